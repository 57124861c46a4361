// Writing HTML safely: text is escaped unless it is marked as markup we wrote ourselves, and the
// NHS.UK design system's components (nhsuk-frontend 10) as small functions. Internal to the
// server's pages.
//
//   Html h;
//   h << "<h1 class=\"nhsuk-heading-l\">"_m << team.name << "</h1>"_m;
//
// `team.name` is escaped; only "_m" literals (and Trusted(), for markup another part of the
// program made, such as the SVG charts) go out as they are. So forgetting to escape is impossible
// and making markup from data takes a visible decision.
//
// Thread-safety: plain values; nothing shared.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace everyseat::server::web {

// Markup written in our own source code.
struct Markup {
  std::string_view text;
};
inline namespace literals {
[[nodiscard]] constexpr Markup operator""_m(const char* text, size_t size) {
  return Markup{std::string_view(text, size)};
}
}  // namespace literals

// `text` with &, <, >, " and ' replaced by character references (safe in text and in quoted
// attribute values).
[[nodiscard]] std::string Escape(std::string_view text);

class Html {
 public:
  Html() = default;

  Html& operator<<(Markup markup) {
    out_.append(markup.text);
    return *this;
  }
  Html& operator<<(std::string_view text) {
    out_ += Escape(text);
    return *this;
  }
  Html& operator<<(const std::string& text) { return *this << std::string_view(text); }
  Html& operator<<(const char* text) { return *this << std::string_view(text); }
  Html& operator<<(int64_t number) {
    out_ += std::to_string(number);
    return *this;
  }
  Html& operator<<(int number) { return *this << static_cast<int64_t>(number); }
  Html& operator<<(size_t number) {
    out_ += std::to_string(number);
    return *this;
  }
  Html& operator<<(const Html& other) {
    out_ += other.out_;
    return *this;
  }
  // Markup made elsewhere in the program from escaped parts (e.g. render::RenderSvg).
  Html& Trusted(std::string_view markup) {
    out_.append(markup);
    return *this;
  }

  [[nodiscard]] const std::string& str() const { return out_; }
  [[nodiscard]] std::string Take() && { return std::move(out_); }
  [[nodiscard]] bool empty() const { return out_.empty(); }

 private:
  std::string out_;
};

// --- Forms.

// One problem with one field of a form: the field's id (the link target) and the message.
struct FormError {
  std::string field;
  std::string message;
};

// The values and errors of a form being shown again after a failed submission.
class FormState {
 public:
  FormState() = default;
  explicit FormState(std::vector<std::pair<std::string, std::string>> values)
      : values_(std::move(values)) {}

  // The field's value ("" when absent). The view is valid until the next Set.
  [[nodiscard]] std::string_view Value(std::string_view name) const;
  // Every value of a field that repeats (checkboxes), in order. Valid until the next Set or Add.
  [[nodiscard]] std::vector<std::string_view> Values(std::string_view name) const;
  // Adds another value of `name` (a checkbox chosen), keeping those it has.
  void Add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  void Set(std::string name, std::string value);
  void Fail(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  [[nodiscard]] const FormError* ErrorFor(std::string_view field) const;
  [[nodiscard]] const std::vector<FormError>& errors() const { return errors_; }
  [[nodiscard]] bool ok() const { return errors_.empty(); }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::vector<FormError> errors_;
};

// The error summary ("There is a problem", each error linking to its field); nothing when there
// are no errors.
void ErrorSummary(Html& h, const FormState& form);

struct InputOptions {
  std::string type = "text";
  std::string width_class;   // e.g. "nhsuk-input--width-10"
  std::string autocomplete;  // e.g. "email", "current-password"
  std::string inputmode;     // e.g. "decimal", "numeric"
  std::string hint;
  bool label_is_heading = false;  // the label is the page's h1 (one question per page)
  std::string suffix;             // shown after the input, e.g. "%"
  std::string list;               // the id of a <datalist> of suggestions
};
// A text input in its form group: label, hint, error message, the input with the form's value.
void Input(Html& h, const FormState& form, std::string_view id, std::string_view label,
           const InputOptions& options = {});
void Textarea(Html& h, const FormState& form, std::string_view id, std::string_view label,
              std::string_view hint = {}, int rows = 3);

struct Choice {
  std::string value;
  std::string label;
  std::string hint;
};
// A radio group in a fieldset with a legend.
void Radios(Html& h, const FormState& form, std::string_view name, std::string_view legend,
            const std::vector<Choice>& choices, std::string_view hint = {});
// Radios whose choices reveal more fields when chosen (NHS.UK conditional reveal): `fields[i]`
// (empty for none) belongs to choices[i], shown under it only while it is chosen (app.css,
// .es-reveal, once the page's script runs). Without JavaScript every choice's fields are shown,
// as plain fields after it.
void ConditionalRadios(Html& h, const FormState& form, std::string_view name,
                       std::string_view legend, const std::vector<Choice>& choices,
                       const std::vector<Html>& fields, std::string_view hint = {});
// A checkbox group in a fieldset with a legend: every choice whose value is among the form's
// values of `name` (FormState::Values) is ticked. The first checkbox's id is `name`, so the error
// summary can link to the group.
void Checkboxes(Html& h, const FormState& form, std::string_view name, std::string_view legend,
                const std::vector<Choice>& choices, std::string_view hint = {});
// A select with a label.
void Select(Html& h, const FormState& form, std::string_view id, std::string_view label,
            const std::vector<Choice>& choices, std::string_view hint = {});

// The hidden CSRF field every form that changes something carries.
void CsrfField(Html& h, std::string_view csrf_token);
// A button (type submit unless `secondary` is set for a plain button style).
void Button(Html& h, std::string_view text, bool secondary = false);

// --- Other components.

void BackLink(Html& h, std::string_view href, std::string_view text = "Back");
// A tag (nhsuk-tag) with an optional colour ("green", "red", "grey", "blue", "orange", "yellow").
void Tag(Html& h, std::string_view text, std::string_view colour = {});
struct SummaryRow {
  std::string key;
  Html value;
  std::string action_href;  // optional "Change" link
  std::string action_text;  // its visually hidden context
};
void SummaryList(Html& h, const std::vector<SummaryRow>& rows);

// The green "Success" notification banner at the top of a page after a change: the message as
// its heading, then `more` (markup, e.g. a paragraph) if any.
void SuccessBanner(Html& h, std::string_view message, const Html& more = Html());

// --- Small text helpers for forms and addresses.

// `text` without leading and trailing white space.
[[nodiscard]] std::string Trimmed(std::string_view text);
// `text` with its first letter capitalised (ASCII).
[[nodiscard]] std::string Capitalised(std::string_view text);
// `text` percent-encoded for a query string (unreserved characters kept).
[[nodiscard]] std::string UrlEncode(std::string_view text);
// A positive id typed or chosen in a form or a path ("12"); nullopt for anything else.
[[nodiscard]] std::optional<int64_t> ReadId(std::string_view text);

// A number as people read it: integers without decimals, others to at most `decimals` places,
// thousands separated by commas. NaN: "–".
[[nodiscard]] std::string FormatNumber(double value, int decimals = 2);
// "2026-11-26" -> "26 November 2026" (the NHS.UK date style); other text is returned as it is.
[[nodiscard]] std::string FormatDate(std::string_view iso_date);

}  // namespace everyseat::server::web
