// multipart/form-data bodies (multipart.h). Syntax: RFC 2046 section 5.1.1 (delimiters, bchars,
// transport padding), RFC 7578 (form-data parts), and the HTML standard's "multipart/form-data
// encoding algorithm" for what browsers send.
#include "multipart.h"

#include <optional>
#include <utility>

namespace everyseat::server::web {

namespace {

constexpr std::string_view kCrlf = "\r\n";

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 9110 tchar: the characters of a token (header names, parameter names, plain values).
bool IsTokenChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// RFC 2046 bchars: the characters a boundary may hold (space only inside it).
bool IsBoundaryChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

std::optional<std::string> CheckBoundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70) {
    return "the form's boundary must be 1 to 70 characters long";
  }
  for (const char c : boundary) {
    if (!IsBoundaryChar(c)) return "the form's boundary holds a character it may not";
  }
  if (boundary.back() == ' ') return "the form's boundary may not end with a space";
  return std::nullopt;
}

struct Parameter {
  std::string name;  // lower case
  std::string value;
};

// The parameters after a header value's first item: `; name=token` or `; name="quoted"`, each
// name at most once. `what` names the header in errors.
tl::expected<std::vector<Parameter>, std::string> ParseParameters(std::string_view text,
                                                                  std::string_view what) {
  std::vector<Parameter> parameters;
  const auto malformed = [&] {
    return tl::unexpected("the " + std::string(what) + " header is malformed");
  };
  size_t i = 0;
  const auto skip_spaces = [&] {
    while (i < text.size() && IsSpace(text[i])) ++i;
  };
  for (;;) {
    skip_spaces();
    if (i == text.size()) break;
    if (text[i] != ';') return malformed();
    ++i;
    skip_spaces();
    if (i == text.size()) break;  // a trailing ';'
    const size_t name_start = i;
    while (i < text.size() && IsTokenChar(text[i])) ++i;
    if (i == name_start) return malformed();
    Parameter parameter;
    for (const char c : text.substr(name_start, i - name_start)) parameter.name += Lower(c);
    skip_spaces();
    if (i == text.size() || text[i] != '=') return malformed();
    ++i;
    skip_spaces();
    if (i < text.size() && text[i] == '"') {
      const size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) return malformed();
      parameter.value = text.substr(i + 1, close - i - 1);
      i = close + 1;
    } else {
      const size_t value_start = i;
      while (i < text.size() && IsTokenChar(text[i])) ++i;
      if (i == value_start) return malformed();
      parameter.value = text.substr(value_start, i - value_start);
    }
    for (const Parameter& seen : parameters) {
      if (seen.name == parameter.name) {
        return tl::unexpected("the " + std::string(what) + " header names " + parameter.name +
                              " twice");
      }
    }
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

const Parameter* FindParameter(const std::vector<Parameter>& parameters, std::string_view name) {
  for (const Parameter& parameter : parameters) {
    if (parameter.name == name) return &parameter;
  }
  return nullptr;
}

// What the headers of one part say.
struct PartHead {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
};

tl::expected<PartHead, std::string> ParsePartHeaders(std::string_view block, size_t number) {
  const std::string part = "part " + std::to_string(number) + " of the form";
  PartHead head;
  bool disposition = false;
  while (!block.empty()) {
    const size_t end = block.find(kCrlf);  // the block ends in CRLF: always found
    const std::string_view line = block.substr(0, end);
    block.remove_prefix(end + kCrlf.size());
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return tl::unexpected("a header line of " + part + " does not end in CRLF");
    }
    const size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
      return tl::unexpected("a header line of " + part + " is malformed");
    }
    const std::string_view field = line.substr(0, colon);
    for (const char c : field) {
      if (!IsTokenChar(c)) return tl::unexpected("a header line of " + part + " is malformed");
    }
    const std::string_view value = TrimSpaces(line.substr(colon + 1));
    if (EqualsIgnoringCase(field, "Content-Disposition")) {
      if (disposition) return tl::unexpected(part + " has two Content-Disposition headers");
      disposition = true;
      const size_t semicolon = value.find(';');
      const std::string_view type = TrimSpaces(value.substr(0, semicolon));
      if (!EqualsIgnoringCase(type, "form-data")) {
        return tl::unexpected(part + " is not form-data");
      }
      auto parameters = ParseParameters(
          semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon),
          "Content-Disposition");
      if (!parameters) return tl::unexpected(std::move(parameters.error()));
      const Parameter* name = FindParameter(*parameters, "name");
      if (name == nullptr || name->value.empty()) {
        return tl::unexpected(part + " has no field name");
      }
      if (name->value.size() > 200) return tl::unexpected(part + " has too long a field name");
      head.name = name->value;
      if (const Parameter* filename = FindParameter(*parameters, "filename")) {
        // Only the last path segment (some browsers send a whole path).
        std::string_view base = filename->value;
        const size_t slash = base.find_last_of("/\\");
        if (slash != std::string_view::npos) base.remove_prefix(slash + 1);
        if (base.size() > 255) return tl::unexpected(part + " has too long a file name");
        head.filename = std::string(base);
      }
    } else if (EqualsIgnoringCase(field, "Content-Type")) {
      head.content_type = value;
    } else if (EqualsIgnoringCase(field, "Content-Transfer-Encoding")) {
      // RFC 7578 section 4.7: deprecated; only the identity encodings are understood.
      if (!EqualsIgnoringCase(value, "binary") && !EqualsIgnoringCase(value, "8bit") &&
          !EqualsIgnoringCase(value, "7bit")) {
        return tl::unexpected(part + " has an encoding this service does not read");
      }
    }
  }
  if (!disposition) return tl::unexpected(part + " has no Content-Disposition header");
  return head;
}

// "1 MB", "64 KB": a limit as people read it.
std::string Size(size_t bytes) {
  if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MB";
  if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KB";
  return std::to_string(bytes) + " bytes";
}

}  // namespace

bool IsMultipartFormData(std::string_view content_type) {
  return EqualsIgnoringCase(TrimSpaces(content_type.substr(0, content_type.find(';'))),
                            "multipart/form-data");
}

tl::expected<std::string, std::string> MultipartBoundary(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  if (!IsMultipartFormData(content_type)) {
    return tl::unexpected(std::string("the form is not multipart/form-data"));
  }
  auto parameters = ParseParameters(
      semicolon == std::string_view::npos ? std::string_view() : content_type.substr(semicolon),
      "Content-Type");
  if (!parameters) return tl::unexpected(std::move(parameters.error()));
  const Parameter* boundary = FindParameter(*parameters, "boundary");
  if (boundary == nullptr) return tl::unexpected(std::string("the form's boundary is missing"));
  if (auto bad = CheckBoundary(boundary->value)) return tl::unexpected(std::move(*bad));
  return boundary->value;
}

tl::expected<MultipartForm, std::string> ParseMultipart(std::string_view body,
                                                        std::string_view boundary,
                                                        const MultipartLimits& limits) {
  if (auto bad = CheckBoundary(boundary)) return tl::unexpected(std::move(*bad));
  const auto fail = [](std::string reason) { return tl::unexpected(std::move(reason)); };
  const std::string dash_boundary = "--" + std::string(boundary);
  // Every delimiter after the first starts on a new line.
  const std::string delimiter = std::string(kCrlf) + dash_boundary;
  if (!body.starts_with(dash_boundary))
    return fail("the form data does not start with its boundary");
  size_t at = dash_boundary.size();
  MultipartForm form;
  for (size_t number = 1;; ++number) {
    // After a delimiter: "--" closes the body (what follows is the epilogue, ignored); else
    // transport padding (spaces and tabs), then CRLF and the next part.
    if (body.substr(at, 2) == "--") return form;
    while (at < body.size() && IsSpace(body[at])) ++at;
    if (body.substr(at, 2) != kCrlf) {
      return fail(at >= body.size() ? "the form data ends before its closing boundary"
                                    : "a boundary line of the form is malformed");
    }
    at += kCrlf.size();
    if (number > limits.max_parts) {
      return fail("the form has more than " + std::to_string(limits.max_parts) + " parts");
    }

    // The part's headers, up to the empty line.
    const std::string part = "part " + std::to_string(number) + " of the form";
    if (body.substr(at, 2) == kCrlf) return fail(part + " has no Content-Disposition header");
    const std::string_view window = body.substr(at, limits.max_header_bytes + 4);
    const size_t blank = window.find("\r\n\r\n");
    if (blank == std::string_view::npos) {
      if (window.size() > limits.max_header_bytes) return fail(part + " has too long headers");
      return fail("the form data ends before its closing boundary");
    }
    if (blank + 2 > limits.max_header_bytes) return fail(part + " has too long headers");
    auto head = ParsePartHeaders(window.substr(0, blank + 2), number);
    if (!head) return fail(std::move(head.error()));
    at += blank + 4;

    // The part's content, up to the next delimiter.
    const size_t end = body.find(delimiter, at);
    if (end == std::string_view::npos)
      return fail("the form data ends before its closing boundary");
    const std::string_view content = body.substr(at, end - at);
    at = end + delimiter.size();
    if (head->filename) {
      if (content.size() > limits.max_file_bytes) {
        return fail("the file " + *head->filename + " is larger than " +
                    Size(limits.max_file_bytes));
      }
      form.files.push_back(UploadedFile{std::move(head->name), std::move(*head->filename),
                                        std::move(head->content_type), std::string(content)});
    } else {
      if (content.size() > limits.max_field_bytes) {
        return fail("the field " + head->name + " is longer than " + Size(limits.max_field_bytes));
      }
      form.fields.emplace_back(std::move(head->name), std::string(content));
    }
  }
}

tl::expected<MultipartForm, std::string> ParseFormData(std::string_view content_type,
                                                       std::string_view body,
                                                       const MultipartLimits& limits) {
  auto boundary = MultipartBoundary(content_type);
  if (!boundary) return tl::unexpected(std::move(boundary.error()));
  return ParseMultipart(body, *boundary, limits);
}

}  // namespace everyseat::server::web
