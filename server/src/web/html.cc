// HTML escaping and the NHS.UK components (html.h). The markup follows nhsuk-frontend 10.6's
// component templates.
#include "html.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace everyseat::server::web {

std::string Escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view FormState::Value(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

std::vector<std::string_view> FormState::Values(std::string_view name) const {
  std::vector<std::string_view> found;
  for (const auto& [key, value] : values_) {
    if (key == name) found.emplace_back(value);
  }
  return found;
}

void FormState::Set(std::string name, std::string value) {
  for (auto& [key, old] : values_) {
    if (key == name) {
      old = std::move(value);
      return;
    }
  }
  values_.emplace_back(std::move(name), std::move(value));
}

const FormError* FormState::ErrorFor(std::string_view field) const {
  for (const FormError& error : errors_) {
    if (error.field == field) return &error;
  }
  return nullptr;
}

void ErrorSummary(Html& h, const FormState& form) {
  if (form.ok()) return;
  h << "<div class=\"nhsuk-error-summary\" data-module=\"nhsuk-error-summary\">"
       "<div role=\"alert\"><h2 class=\"nhsuk-error-summary__heading\">There is a problem</h2>"
       "<div class=\"nhsuk-error-summary__body\">"
       "<ul class=\"nhsuk-list nhsuk-error-summary__list\">"_m;
  for (const FormError& error : form.errors()) {
    h << "<li>"_m;
    if (error.field.empty()) {
      h << error.message;
    } else {
      h << "<a href=\"#"_m << error.field << "\">"_m << error.message << "</a>"_m;
    }
    h << "</li>"_m;
  }
  h << "</ul></div></div></div>"_m;
}

namespace {

// The error message span of a field, if it has an error; returns whether it had one.
bool ErrorMessage(Html& h, const FormState& form, std::string_view id) {
  const FormError* error = form.ErrorFor(id);
  if (error == nullptr) return false;
  h << "<span class=\"nhsuk-error-message\" id=\""_m << id << "-error\">"_m
    << "<span class=\"nhsuk-u-visually-hidden\">Error: </span>"_m << error->message << "</span>"_m;
  return true;
}

std::string DescribedBy(std::string_view id, bool hint, bool error) {
  std::string ids;
  if (hint) ids.append(id).append("-hint");
  if (error) {
    if (!ids.empty()) ids.push_back(' ');
    ids.append(id).append("-error");
  }
  return ids;
}

void Hint(Html& h, std::string_view id, std::string_view hint) {
  if (hint.empty()) return;
  h << "<div class=\"nhsuk-hint\" id=\""_m << id << "-hint\">"_m << hint << "</div>"_m;
}

}  // namespace

void Input(Html& h, const FormState& form, std::string_view id, std::string_view label,
           const InputOptions& options) {
  const bool error = form.ErrorFor(id) != nullptr;
  h << "<div class=\"nhsuk-form-group"_m << (error ? " nhsuk-form-group--error"_m : ""_m)
    << "\">"_m;
  if (options.label_is_heading) h << "<h1 class=\"nhsuk-label-wrapper\">"_m;
  h << "<label class=\"nhsuk-label"_m << (options.label_is_heading ? " nhsuk-label--l"_m : ""_m)
    << "\" for=\""_m << id << "\">"_m << label << "</label>"_m;
  if (options.label_is_heading) h << "</h1>"_m;
  Hint(h, id, options.hint);
  ErrorMessage(h, form, id);
  if (!options.suffix.empty()) h << "<div class=\"nhsuk-input-wrapper\">"_m;
  h << "<input class=\"nhsuk-input"_m << (error ? " nhsuk-input--error"_m : ""_m);
  if (!options.width_class.empty()) h << " "_m << options.width_class;
  h << "\" id=\""_m << id << "\" name=\""_m << id << "\" type=\""_m << options.type
    << "\" value=\""_m << form.Value(id) << "\""_m;
  if (!options.autocomplete.empty()) h << " autocomplete=\""_m << options.autocomplete << "\""_m;
  if (!options.inputmode.empty()) h << " inputmode=\""_m << options.inputmode << "\""_m;
  if (!options.list.empty()) h << " list=\""_m << options.list << "\""_m;
  if (options.type == "text" || options.type == "email") h << " spellcheck=\"false\""_m;
  const std::string described = DescribedBy(id, !options.hint.empty(), error);
  if (!described.empty()) h << " aria-describedby=\""_m << described << "\""_m;
  h << ">"_m;
  if (!options.suffix.empty()) {
    h << "<div class=\"nhsuk-input__suffix\" aria-hidden=\"true\">"_m << options.suffix
      << "</div></div>"_m;
  }
  h << "</div>"_m;
}

void Textarea(Html& h, const FormState& form, std::string_view id, std::string_view label,
              std::string_view hint, int rows) {
  const bool error = form.ErrorFor(id) != nullptr;
  h << "<div class=\"nhsuk-form-group"_m << (error ? " nhsuk-form-group--error"_m : ""_m)
    << "\"><label class=\"nhsuk-label\" for=\""_m << id << "\">"_m << label << "</label>"_m;
  Hint(h, id, hint);
  ErrorMessage(h, form, id);
  h << "<textarea class=\"nhsuk-textarea"_m << (error ? " nhsuk-textarea--error"_m : ""_m)
    << "\" id=\""_m << id << "\" name=\""_m << id << "\" rows=\""_m << rows << "\""_m;
  const std::string described = DescribedBy(id, !hint.empty(), error);
  if (!described.empty()) h << " aria-describedby=\""_m << described << "\""_m;
  h << ">"_m << form.Value(id) << "</textarea></div>"_m;
}

namespace {

// Radios and checkboxes: the same markup but for the component's name ("radios" or
// "checkboxes") and the input's type.
void ChoiceGroup(Html& h, const FormState& form, std::string_view name, std::string_view legend,
                 const std::vector<Choice>& choices, const std::vector<Html>& fields,
                 std::string_view hint, bool checkboxes) {
  const Markup component = checkboxes ? "checkboxes"_m : "radios"_m;
  const bool error = form.ErrorFor(name) != nullptr;
  h << "<div class=\"nhsuk-form-group"_m << (error ? " nhsuk-form-group--error"_m : ""_m)
    << "\"><fieldset class=\"nhsuk-fieldset\""_m;
  const std::string described = DescribedBy(name, !hint.empty(), error);
  if (!described.empty()) h << " aria-describedby=\""_m << described << "\""_m;
  h << "><legend class=\"nhsuk-fieldset__legend nhsuk-fieldset__legend--s\">"_m << legend
    << "</legend>"_m;
  Hint(h, name, hint);
  ErrorMessage(h, form, name);
  h << "<div class=\"nhsuk-"_m << component << "\" data-module=\"nhsuk-"_m << component << "\">"_m;
  const std::vector<std::string_view> chosen =
      checkboxes ? form.Values(name) : std::vector<std::string_view>{form.Value(name)};
  for (size_t i = 0; i < choices.size(); ++i) {
    const Choice& choice = choices[i];
    static const Html kNone;
    const Html& conditional = i < fields.size() ? fields[i] : kNone;
    // The first input's id is the group's name, so the error summary can link to it.
    const std::string id =
        i == 0 ? std::string(name) : std::string(name) + "-" + std::to_string(i + 1);
    const bool checked = std::find(chosen.begin(), chosen.end(), choice.value) != chosen.end();
    h << "<div class=\"nhsuk-"_m << component << "__item\"><input class=\"nhsuk-"_m << component
      << "__input\" id=\""_m << id << "\" name=\""_m << name << "\" type=\""_m
      << (checkboxes ? "checkbox"_m : "radio"_m) << "\" value=\""_m << choice.value << "\""_m;
    if (checked) h << " checked"_m;
    if (!choice.hint.empty()) h << " aria-describedby=\""_m << id << "-item-hint\""_m;
    h << "><label class=\"nhsuk-label nhsuk-"_m << component << "__label\" for=\""_m << id
      << "\">"_m << choice.label << "</label>"_m;
    if (!choice.hint.empty()) {
      h << "<div class=\"nhsuk-hint nhsuk-"_m << component << "__hint\" id=\""_m << id
        << "-item-hint\">"_m << choice.hint << "</div>"_m;
    }
    h << "</div>"_m;
    if (!conditional.empty()) {
      // Revealed by app.css (.es-reveal) rather than NHS.UK frontend's script, which puts
      // aria-expanded on the input: not allowed on a radio or checkbox (axe aria-allowed-attr).
      h << "<div class=\"nhsuk-"_m << component << "__conditional es-reveal\" id=\"conditional-"_m
        << id << "\">"_m << conditional << "</div>"_m;
    }
  }
  h << "</div></fieldset></div>"_m;
}

}  // namespace

void Radios(Html& h, const FormState& form, std::string_view name, std::string_view legend,
            const std::vector<Choice>& choices, std::string_view hint) {
  ChoiceGroup(h, form, name, legend, choices, {}, hint, false);
}

void ConditionalRadios(Html& h, const FormState& form, std::string_view name,
                       std::string_view legend, const std::vector<Choice>& choices,
                       const std::vector<Html>& fields, std::string_view hint) {
  ChoiceGroup(h, form, name, legend, choices, fields, hint, false);
}

void Checkboxes(Html& h, const FormState& form, std::string_view name, std::string_view legend,
                const std::vector<Choice>& choices, std::string_view hint) {
  ChoiceGroup(h, form, name, legend, choices, {}, hint, true);
}

void Select(Html& h, const FormState& form, std::string_view id, std::string_view label,
            const std::vector<Choice>& choices, std::string_view hint) {
  const bool error = form.ErrorFor(id) != nullptr;
  h << "<div class=\"nhsuk-form-group"_m << (error ? " nhsuk-form-group--error"_m : ""_m)
    << "\"><label class=\"nhsuk-label\" for=\""_m << id << "\">"_m << label << "</label>"_m;
  Hint(h, id, hint);
  ErrorMessage(h, form, id);
  h << "<select class=\"nhsuk-select"_m << (error ? " nhsuk-select--error"_m : ""_m) << "\" id=\""_m
    << id << "\" name=\""_m << id << "\""_m;
  const std::string described = DescribedBy(id, !hint.empty(), error);
  if (!described.empty()) h << " aria-describedby=\""_m << described << "\""_m;
  h << ">"_m;
  const std::string_view chosen = form.Value(id);
  for (const Choice& choice : choices) {
    h << "<option value=\""_m << choice.value << "\""_m
      << (choice.value == chosen ? " selected"_m : ""_m) << ">"_m << choice.label << "</option>"_m;
  }
  h << "</select></div>"_m;
}

void CsrfField(Html& h, std::string_view csrf_token) {
  h << "<input type=\"hidden\" name=\"csrf_token\" value=\""_m << csrf_token << "\">"_m;
}

void Button(Html& h, std::string_view text, bool secondary) {
  h << "<button class=\"nhsuk-button"_m << (secondary ? " nhsuk-button--secondary"_m : ""_m)
    << "\" data-module=\"nhsuk-button\" type=\"submit\">"_m << text << "</button>"_m;
}

void BackLink(Html& h, std::string_view href, std::string_view text) {
  h << "<a class=\"nhsuk-back-link\" href=\""_m << href << "\">"_m << text << "</a>"_m;
}

void Tag(Html& h, std::string_view text, std::string_view colour) {
  h << "<strong class=\"nhsuk-tag"_m;
  if (!colour.empty()) h << " nhsuk-tag--"_m << colour;
  h << "\">"_m << text << "</strong>"_m;
}

void SummaryList(Html& h, const std::vector<SummaryRow>& rows) {
  bool any_action = false;
  for (const SummaryRow& row : rows) any_action |= !row.action_href.empty();
  h << "<dl class=\"nhsuk-summary-list\">"_m;
  for (const SummaryRow& row : rows) {
    h << "<div class=\"nhsuk-summary-list__row"_m
      << (any_action && row.action_href.empty() ? " nhsuk-summary-list__row--no-actions"_m : ""_m)
      << "\"><dt class=\"nhsuk-summary-list__key\">"_m << row.key
      << "</dt><dd class=\"nhsuk-summary-list__value\">"_m << row.value << "</dd>"_m;
    if (!row.action_href.empty()) {
      h << "<dd class=\"nhsuk-summary-list__actions\"><a href=\""_m << row.action_href
        << "\">Change<span class=\"nhsuk-u-visually-hidden\"> "_m << row.action_text
        << "</span></a></dd>"_m;
    }
    h << "</div>"_m;
  }
  h << "</dl>"_m;
}

void SuccessBanner(Html& h, std::string_view message, const Html& more) {
  h << "<div class=\"nhsuk-notification-banner nhsuk-notification-banner--success\" "
       "data-module=\"nhsuk-notification-banner\" role=\"alert\" "
       "aria-labelledby=\"es-banner-title\"><div class=\"nhsuk-notification-banner__header\">"
       "<h2 class=\"nhsuk-notification-banner__title\" id=\"es-banner-title\">Success</h2></div>"
       "<div class=\"nhsuk-notification-banner__content\">"
       "<p class=\"nhsuk-notification-banner__heading\">"_m
    << message << "</p>"_m << more << "</div></div>"_m;
}

std::string Trimmed(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(begin, end - begin));
}

std::string Capitalised(std::string_view text) {
  std::string out(text);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string UrlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::optional<int64_t> ReadId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t id = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id > 0 ? std::optional<int64_t>(id) : std::nullopt;
}

std::string FormatNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "\u2013";
  char buffer[64];
  const double rounded = std::round(value);
  std::string digits;
  if (std::fabs(value - rounded) < 1e-9 && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", rounded);
    digits = buffer;
  } else {
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    digits = buffer;
    if (digits.find('.') != std::string::npos) {
      while (digits.back() == '0') digits.pop_back();
      if (digits.back() == '.') digits.pop_back();
    }
  }
  // Thousands separators in the integer part.
  const size_t sign = digits.front() == '-' ? 1 : 0;
  size_t end = digits.find('.');
  if (end == std::string::npos) end = digits.size();
  std::string out(digits, 0, sign);
  for (size_t i = sign; i < end; ++i) {
    if (i > sign && (end - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  out.append(digits, end, std::string::npos);
  if (out == "-0") out = "0";
  return out;
}

std::string FormatDate(std::string_view iso_date) {
  static constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                            "May",       "June",     "July",     "August",
                                            "September", "October",  "November", "December"};
  if (iso_date.size() != 10 || iso_date[4] != '-' || iso_date[7] != '-') {
    return std::string(iso_date);
  }
  const int month = (iso_date[5] - '0') * 10 + (iso_date[6] - '0');
  const int day = (iso_date[8] - '0') * 10 + (iso_date[9] - '0');
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::string(iso_date);
  return std::to_string(day) + " " + kMonths[month - 1] + " " + std::string(iso_date.substr(0, 4));
}

}  // namespace everyseat::server::web
