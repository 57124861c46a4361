// The patient-detail guard (domain/guard.h) on its corpus, tests/domain/guard_corpus/: every
// positive example gives exactly the details marked in it, every negative example gives none.
// Then cases that a one-line corpus cannot hold (line breaks, invalid UTF-8), with their offsets
// counted by hand, and FindInvalidUtf8.
#include "everyseat/domain/guard.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace everyseat::domain {

void PrintTo(const Finding& f, std::ostream* os) {
  *os << "{" << Name(f.kind) << ", " << f.start << ", " << f.end << ", \"" << f.text << "\"}";
}

namespace {

// One line of a corpus file: its input and the findings marked in it.
struct Example {
  int line = 0;
  std::string text;
  std::vector<Finding> expected;
};

std::optional<FindingKind> KindNamed(std::string_view name) {
  if (name == "nhs_number") return FindingKind::kNhsNumber;
  if (name == "date_of_birth") return FindingKind::kDateOfBirth;
  if (name == "postcode") return FindingKind::kPostcode;
  if (name == "name") return FindingKind::kName;
  return std::nullopt;
}

// Code points in valid UTF-8: the bytes that are not continuation bytes (10xxxxxx).
int64_t CodePoints(std::string_view utf8) {
  int64_t count = 0;
  for (const char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return count;
}

// Reads a corpus file: the input of each line with its [[kind:text]] marks taken out, and the
// marks as findings at their code-point offsets in that input (positive.txt explains the form).
std::vector<Example> ReadCorpus(const std::string& name) {
  std::ifstream in(std::string(EVERYSEAT_GUARD_CORPUS) + "/" + name);
  EXPECT_TRUE(in) << "cannot open " << name;
  std::vector<Example> examples;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line.front() == '#') continue;
    Example example;
    example.line = number;
    size_t at = 0;
    while (at < line.size()) {
      const size_t open = line.find("[[", at);
      if (open == std::string::npos) {
        example.text += line.substr(at);
        break;
      }
      example.text += line.substr(at, open - at);
      const size_t colon = line.find(':', open);
      const size_t close = line.find("]]", open);
      if (colon == std::string::npos || close == std::string::npos || colon > close) {
        ADD_FAILURE() << name << ":" << number << ": a mark without a kind or without ]]";
        break;
      }
      const auto kind = KindNamed(std::string_view(line).substr(open + 2, colon - open - 2));
      if (!kind) {
        ADD_FAILURE() << name << ":" << number << ": unknown kind";
        break;
      }
      const std::string marked = line.substr(colon + 1, close - colon - 1);
      const int64_t start = CodePoints(example.text);
      example.expected.push_back({*kind, start, start + CodePoints(marked), marked});
      example.text += marked;
      at = close + 2;
    }
    examples.push_back(std::move(example));
  }
  return examples;
}

TEST(GuardCorpus, FindsExactlyTheMarkedDetailsInEveryPositiveExample) {
  const std::vector<Example> examples = ReadCorpus("positive.txt");
  EXPECT_GE(examples.size(), 40u);
  for (const Example& example : examples) {
    EXPECT_FALSE(example.expected.empty()) << "positive.txt:" << example.line << " marks nothing";
    EXPECT_EQ(FindPatientDetails(example.text), example.expected)
        << "positive.txt:" << example.line << ": " << example.text;
  }
}

TEST(GuardCorpus, FindsNothingInEveryNegativeExample) {
  const std::vector<Example> examples = ReadCorpus("negative.txt");
  EXPECT_GE(examples.size(), 40u);
  for (const Example& example : examples) {
    EXPECT_TRUE(example.expected.empty()) << "negative.txt:" << example.line << " has a mark";
    EXPECT_EQ(FindPatientDetails(example.text), std::vector<Finding>{})
        << "negative.txt:" << example.line << ": " << example.text;
  }
}

// The same cases with their offsets counted by hand, character by character.
TEST(Guard, CountsOffsetsInCodePointsNotBytes) {
  // Z o ë ’ s _ w a r d _ — _ : 13 characters (17 bytes) before "patient John" (12).
  EXPECT_EQ(FindPatientDetails("Zoë’s ward — patient John"),
            (std::vector<Finding>{{FindingKind::kName, 13, 25, "patient John"}}));
  // 🙂 is one character of four bytes.
  EXPECT_EQ(FindPatientDetails("🙂 9434765919"),
            (std::vector<Finding>{{FindingKind::kNhsNumber, 2, 12, "9434765919"}}));
}

TEST(Guard, SortsFindingsByStartWhateverTheirKind) {
  // SW1A 1AA = 0-8, _, Mr Smith = 9-17, _, 9434765919 = 18-28.
  EXPECT_EQ(FindPatientDetails("SW1A 1AA Mr Smith 9434765919"),
            (std::vector<Finding>{{FindingKind::kPostcode, 0, 8, "SW1A 1AA"},
                                  {FindingKind::kName, 9, 17, "Mr Smith"},
                                  {FindingKind::kNhsNumber, 18, 28, "9434765919"}}));
}

TEST(Guard, LineBreaksEndANameButNotTheGapBeforeADateOfBirth) {
  // "Mrs Smith" 0-9, \n 9, "DOB" 10-13, _ 13, "12/03/1954" 14-24, \n 24, "M1 1AE" 25-31.
  EXPECT_EQ(FindPatientDetails("Mrs Smith\nDOB 12/03/1954\nM1 1AE"),
            (std::vector<Finding>{{FindingKind::kName, 0, 9, "Mrs Smith"},
                                  {FindingKind::kDateOfBirth, 14, 24, "12/03/1954"},
                                  {FindingKind::kPostcode, 25, 31, "M1 1AE"}}));
  EXPECT_EQ(FindPatientDetails("Mrs\nSmith and patient\nJohn"), std::vector<Finding>{});
  EXPECT_EQ(FindPatientDetails("Date of birth:\r\n12/03/1954"),
            (std::vector<Finding>{{FindingKind::kDateOfBirth, 16, 26, "12/03/1954"}}));
}

TEST(Guard, CountsEachByteOfInvalidUtf8AsOneCharacter) {
  // \xff is one character, so the postcode starts at 2.
  EXPECT_EQ(FindPatientDetails("\xff M1 1AE"),
            (std::vector<Finding>{{FindingKind::kPostcode, 2, 8, "M1 1AE"}}));
  // A truncated three-byte sequence: two bad bytes, two characters.
  EXPECT_EQ(FindPatientDetails("\xe2\x82 M1 1AE"),
            (std::vector<Finding>{{FindingKind::kPostcode, 3, 9, "M1 1AE"}}));
  // A bad byte is neither letter nor digit: it does not join a token.
  EXPECT_EQ(FindPatientDetails("\xc0M1 1AE\xc0"),
            (std::vector<Finding>{{FindingKind::kPostcode, 1, 7, "M1 1AE"}}));
  // Nor is it part of a name: it ends the word before it.
  EXPECT_EQ(FindPatientDetails("Mr Smi\xfft"),
            (std::vector<Finding>{{FindingKind::kName, 0, 6, "Mr Smi"}}));
}

TEST(Guard, FindsNothingInAnEmptyText) {
  EXPECT_EQ(FindPatientDetails(""), std::vector<Finding>{});
}

TEST(Guard, ADateClaimedByTwoBirthWordsIsFoundOnce) {
  // "DOB " 0-4, "12/03/1954" 4-14, " (DOB)".
  EXPECT_EQ(FindPatientDetails("DOB 12/03/1954 (DOB)"),
            (std::vector<Finding>{{FindingKind::kDateOfBirth, 4, 14, "12/03/1954"}}));
}

// The byte offset of code point `index` in valid UTF-8.
size_t ByteOffset(std::string_view utf8, int64_t index) {
  size_t i = 0;
  for (int64_t seen = -1; i < utf8.size(); ++i) {
    if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80 && ++seen == index) return i;
  }
  return i;
}

// The contract (sorted, in bounds, `text` exactly the span, findings of one kind apart) on texts
// pieced together at random from fragments of the rules, and on random bytes.
TEST(Guard, KeepsItsContractOnTextsPiecedTogetherAtRandom) {
  const std::vector<std::string> pieces = {"943 476 5919",
                                           "9434765919",
                                           "943-476-5919",
                                           "0161 496 0000",
                                           " ",
                                           "  ",
                                           "\n",
                                           ", ",
                                           ".",
                                           "DOB ",
                                           "born on ",
                                           "d.o.b.",
                                           "12/03/1954",
                                           "3 March",
                                           " 1954",
                                           "Mrs ",
                                           "Mr. ",
                                           "patient ",
                                           "service user ",
                                           "Jane",
                                           "O'Brien",
                                           "Smith-Jones",
                                           "Safety",
                                           "SW1A",
                                           "1AA",
                                           "m1 1ae",
                                           "EC1A1BB",
                                           "Zoë",
                                           "’",
                                           "—",
                                           "🙂",
                                           "Ł",
                                           "x",
                                           "7",
                                           "-",
                                           "(",
                                           ")"};
  uint32_t state = 12345;  // a fixed linear congruential sequence: the same texts every run
  const auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return state >> 8;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const uint32_t count = next() % 12;
    for (uint32_t k = 0; k < count; ++k) text += pieces[next() % pieces.size()];
    const std::vector<Finding> found = FindPatientDetails(text);
    const int64_t length = CodePoints(text);
    for (size_t k = 0; k < found.size(); ++k) {
      const Finding& f = found[k];
      ASSERT_TRUE(f.start >= 0 && f.start < f.end && f.end <= length) << text;
      const size_t from = ByteOffset(text, f.start);
      EXPECT_EQ(f.text, text.substr(from, ByteOffset(text, f.end) - from)) << text;
      if (k == 0) continue;
      EXPECT_LE(found[k - 1].start, f.start) << text;
      for (size_t j = 0; j < k; ++j) {
        if (found[j].kind == f.kind) {
          EXPECT_LE(found[j].end, f.start) << text;
        }
      }
    }
  }
  for (int round = 0; round < 3000; ++round) {
    std::string bytes;
    const uint32_t count = next() % 40;
    for (uint32_t k = 0; k < count; ++k) bytes.push_back(static_cast<char>(next() & 0xFF));
    for (const Finding& f : FindPatientDetails(bytes)) {
      EXPECT_LT(f.start, f.end);
      EXPECT_EQ(FindInvalidUtf8(f.text), std::nullopt);  // a bad byte is never in a finding
    }
  }
}

TEST(Guard, NamesEveryKind) {
  EXPECT_EQ(Name(FindingKind::kNhsNumber), "nhs_number");
  EXPECT_EQ(Name(FindingKind::kDateOfBirth), "date_of_birth");
  EXPECT_EQ(Name(FindingKind::kPostcode), "postcode");
  EXPECT_EQ(Name(FindingKind::kName), "name");
}

TEST(Guard, FindInvalidUtf8NamesTheFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8(""), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("Zoë’s ward 🙂"), std::nullopt);
  EXPECT_EQ(FindInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FindInvalidUtf8("\xc0\x80"), 0u);          // overlong NUL
  EXPECT_EQ(FindInvalidUtf8("x\xed\xa0\x80"), 1u);     // a surrogate, U+D800
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("é\xe2\x82"), 2u);         // truncated at the end
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);              // a lone continuation byte
}

}  // namespace
}  // namespace everyseat::domain
