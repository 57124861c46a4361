// The patient-detail guard: finds NHS numbers, dates of birth, UK postcodes and patients' names in
// a text before it is shared (issue 5, point 2), so its author can see exactly what was found and
// edit it out, and a story that still carries them is held for moderation.
//
// The rules (each a whole-text scan; tests/domain/guard_corpus/ holds the examples):
//
// NHS number. Ten digits, written together ("9434765919") or grouped 3-3-4 by single spaces or
//   by single hyphens, the same separator both times ("943 476 5919", "943-476-5919"), whose last
//   digit is the Modulus 11 check digit of the first nine (NHS Data Dictionary, "NHS Number"):
//   multiply them by the weights 10, 9, ..., 2, sum, take the remainder mod 11; the check digit
//   is 11 minus the remainder, 11 becomes 0, and 10 means no number is valid with these nine
//   digits. Not inside a longer run of digits: a digit, or a digit and one space or hyphen, just
//   before or just after the ten digits make them part of something longer (phone numbers such as
//   "0161 496 0000", "+44 161 496 0000" or "07700 900123"; 9- and 11-digit runs).
//
// Date of birth. A date next to a birth word. Birth words (ASCII case ignored, each a whole
//   word): "born", "DOB" or "DOB.", "D.O.B." or "D.O.B", "date of birth". Dates:
//     numeric  D/M/Y with '/', '.' or '-' (the same both times), the year 2 or 4 digits, day and
//              month valid in either order ("12/03/1954", "3.3.50", "03/25/1954");
//              Y-M-D with '-' or '/' and a 4-digit year ("1954-03-12");
//     in words D[st|nd|rd|th] [of] MONTH [[,] YYYY] ("12 March 1954", "12th of Mar 1954",
//              "3 March": the year may be left out here only); D-MON-Y ("12-Mar-54");
//              MONTH D[st|nd|rd|th][,] YYYY ("March 12, 1954").
//              MONTH is a month's name or its three-letter abbreviation (or "Sept"), any case,
//              an abbreviation optionally with a full stop.
//   "Next to": the date comes after the birth word, or else before it, with nothing between them
//   but spaces, line breaks, at most 4 words of letters, and the punctuation of a label
//   : - – — = ( ) [ ]. A comma, a full stop, a semicolon, '!', '?', a digit or another date ends
//   the pairing ("born out of a hard winter, on 3 March we opened" is not a date of birth). A
//   birth word pairs with at most one date: the first after it, or failing that the last before
//   it. A month and year alone ("born in March 1954"), or a year alone, is not a date here.
//   The finding is the date alone.
//
// UK postcode. An outward code A9, A99, AA9, AA99, A9A or AA9A and an inward code 9AA, with one
//   space between them or none, any case, where the inward code's letters are not C, I, K, M, O
//   or V ("SW1A 1AA", "m1 1ae", "EC1A1BB"). The whole postcode is a token: no letter or digit
//   just before or after it ("A4", "M62", "B12", "NHS111", "COVID19" and "Band 5" are not
//   postcodes). The shape is checked, not the list of postcode areas.
//
// Name. A title, "Mr", "Mrs", "Ms", "Miss" or "Mx" (written so, as a whole word, optionally with
//   a full stop), then a capitalised name; or a trigger, "patient", "client" or "service user"
//   (any case, a whole word), then a capitalised name whose first word is not in the stop list
//   below nor a title (for "patient Mr Jones" the title's rule gives "Mr Jones"). Spaces, not
//   line breaks, separate the words. A capitalised name is up to four capitalised words, each an
//   upper-case letter, then a lower-case letter, then any letters ("Jane", "McDonald"), where an
//   initial with an apostrophe ("O'Brien", "D’Souza") and parts joined by hyphens
//   ("Smith-Jones") count as one word; the name ends before a word of the stop list or a title.
//   Staff titles are not triggers: "Dr Patel" and "Sister Jones" are not flagged. The finding runs
//   from the title or trigger through the name's last word
//   ("Mrs Jane Smith", "patient John Smith", "service user Aisha").
//   The stop list: words that follow a trigger in the names of teams, services and documents, and
//   staff titles (kNameStopWords in guard.cc):
//     Access Advice Care Centre Centred Champion Champions Charter Doctor Dr Engagement Experience
//     Feedback First Flow Forum Group Information Involvement Journey Led Liaison Matron Network
//     Nurse Panel Participation Partners Pathway Portal Prof Professor Records Reported
//     Representative Safety Service Services Sister Stories Story Support Survey Team Transport
//     Voice, and the days of the week.
//
// Characters. Offsets count Unicode code points from the start of the text; `end` is exclusive
// and `text` is the UTF-8 of exactly that span. Digits are ASCII digits. Letters are ASCII letters
// and every other character from U+00C0 up except the symbols and punctuation of U+00D7, U+00F7,
// U+2000-U+2BFF, U+3000-U+303F, U+FE00-U+FE0F, U+FEFF, U+FFFD and U+1F000-U+1FFFF; upper and
// lower case are known for ASCII, Latin-1 and Latin Extended-A ("Zoë", "Łukasz") and other
// scripts' letters are neither. A byte that is not part of well-formed UTF-8 counts as one
// character (neither letter nor digit) and is never part of a finding.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace everyseat::domain {

enum class FindingKind { kNhsNumber, kDateOfBirth, kPostcode, kName };

// "nhs_number", "date_of_birth", "postcode", "name".
[[nodiscard]] std::string_view Name(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::kNhsNumber;
  int64_t start = 0;  // code points from the start of the text
  int64_t end = 0;    // exclusive
  std::string text;   // the UTF-8 of [start, end)
  friend bool operator==(const Finding&, const Finding&) = default;
};

// Every patient detail in `utf8_text`, sorted by start (then end, then kind). Findings do not
// overlap each other except, in principle, across kinds.
[[nodiscard]] std::vector<Finding> FindPatientDetails(std::string_view utf8_text);

// The byte offset of every character of `text` as the guard counts characters (above: a
// well-formed UTF-8 sequence, or one byte that is not part of one), and then text.size(): turns
// a Finding's start and end into byte offsets.
[[nodiscard]] std::vector<size_t> CharacterOffsets(std::string_view text);

// The byte offset of the first byte that is not part of well-formed UTF-8 (Unicode 15, table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or nullopt when it is all
// well-formed. For adapters that refuse such input rather than count its bad bytes.
[[nodiscard]] std::optional<size_t> FindInvalidUtf8(std::string_view text);

}  // namespace everyseat::domain
