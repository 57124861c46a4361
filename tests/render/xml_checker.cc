// The tests' XML well-formedness checker and tree builder (see xml_checker.h).
// Thread-safety: free functions over their arguments.
#include "xml_checker.h"

#include <cstdint>

namespace everyseat::render::testing {
namespace {

[[nodiscard]] bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

[[nodiscard]] bool IsNameChar(char c) {
  return IsNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

[[nodiscard]] bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

class Parser {
 public:
  explicit Parser(std::string_view document) : doc_(document) {}

  ParseResult Run() {
    ParseResult result;
    SkipSpace();
    if (!ParseElement(result.root, 0)) {
      result.error = error_ + " at byte " + std::to_string(pos_);
      return result;
    }
    SkipSpace();
    if (pos_ != doc_.size()) {
      result.error = "content after the root element at byte " + std::to_string(pos_);
      return result;
    }
    result.ok = true;
    return result;
  }

 private:
  bool Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    return false;
  }

  [[nodiscard]] bool AtEnd() const { return pos_ >= doc_.size(); }
  [[nodiscard]] bool LookingAt(std::string_view s) const {
    return doc_.substr(pos_, s.size()) == s;
  }

  void SkipSpace() {
    while (!AtEnd() && IsSpace(doc_[pos_])) ++pos_;
  }

  bool ParseName(std::string& name) {
    if (AtEnd() || !IsNameStart(doc_[pos_])) return Fail("expected a name");
    const size_t start = pos_;
    while (!AtEnd() && IsNameChar(doc_[pos_])) ++pos_;
    name = std::string(doc_.substr(start, pos_ - start));
    return true;
  }

  // At '&': decodes one reference into `out`.
  bool ParseReference(std::string& out) {
    const size_t semicolon = doc_.find(';', pos_);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 12) {
      return Fail("'&' that does not start a reference");
    }
    const std::string_view body = doc_.substr(pos_ + 1, semicolon - pos_ - 1);
    if (body == "amp") {
      out += '&';
    } else if (body == "lt") {
      out += '<';
    } else if (body == "gt") {
      out += '>';
    } else if (body == "quot") {
      out += '"';
    } else if (body == "apos") {
      out += '\'';
    } else if (body.size() >= 2 && body[0] == '#') {
      const bool hex = body[1] == 'x';
      const std::string_view digits = body.substr(hex ? 2 : 1);
      if (digits.empty()) return Fail("empty character reference");
      uint32_t code = 0;
      for (const char c : digits) {
        uint32_t digit = 0;
        if (c >= '0' && c <= '9') {
          digit = static_cast<uint32_t>(c - '0');
        } else if (hex && c >= 'a' && c <= 'f') {
          digit = static_cast<uint32_t>(c - 'a' + 10);
        } else if (hex && c >= 'A' && c <= 'F') {
          digit = static_cast<uint32_t>(c - 'A' + 10);
        } else {
          return Fail("bad character reference");
        }
        code = code * (hex ? 16 : 10) + digit;
        if (code > 0x10FFFF) return Fail("character reference out of range");
      }
      if (code < 0x20 && code != 0x9 && code != 0xA && code != 0xD) {
        return Fail("reference to a character XML forbids");
      }
      AppendUtf8(out, code);
    } else {
      return Fail("unknown entity &" + std::string(body) + ";");
    }
    pos_ = semicolon + 1;
    return true;
  }

  bool ParseAttributes(Element& element) {
    while (true) {
      const size_t before = pos_;
      SkipSpace();
      if (AtEnd()) return Fail("unterminated start tag");
      if (doc_[pos_] == '>' || doc_[pos_] == '/') return true;
      if (pos_ == before) return Fail("attributes must be separated by whitespace");
      std::string name;
      if (!ParseName(name)) return false;
      for (const auto& [existing, value] : element.attributes) {
        if (existing == name) return Fail("duplicate attribute " + name);
      }
      SkipSpace();
      if (AtEnd() || doc_[pos_] != '=') return Fail("attribute " + name + " has no '='");
      ++pos_;
      SkipSpace();
      if (AtEnd() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) {
        return Fail("attribute " + name + " is not quoted");
      }
      const char quote = doc_[pos_++];
      std::string value;
      while (true) {
        if (AtEnd()) return Fail("unterminated attribute value");
        const char c = doc_[pos_];
        if (c == quote) break;
        if (c == '<') return Fail("'<' inside an attribute value");
        if (c == '&') {
          if (!ParseReference(value)) return false;
          continue;
        }
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          return Fail("control character in an attribute value");
        }
        value += c;
        ++pos_;
      }
      ++pos_;  // closing quote
      element.attributes.emplace_back(std::move(name), std::move(value));
    }
  }

  bool ParseElement(Element& element, int depth) {
    if (depth > 200) return Fail("nesting too deep");
    if (AtEnd() || doc_[pos_] != '<') return Fail("expected '<'");
    ++pos_;
    if (!ParseName(element.name)) return false;
    if (!ParseAttributes(element)) return false;
    if (LookingAt("/>")) {
      pos_ += 2;
      return true;
    }
    ++pos_;  // '>'
    while (true) {
      if (AtEnd()) return Fail("element <" + element.name + "> is never closed");
      const char c = doc_[pos_];
      if (c == '<') {
        if (LookingAt("</")) {
          pos_ += 2;
          std::string closing;
          if (!ParseName(closing)) return false;
          if (closing != element.name) {
            return Fail("</" + closing + "> closes <" + element.name + ">");
          }
          SkipSpace();
          if (AtEnd() || doc_[pos_] != '>') return Fail("unterminated end tag");
          ++pos_;
          return true;
        }
        if (LookingAt("<!--")) {
          const size_t end = doc_.find("-->", pos_ + 4);
          if (end == std::string_view::npos) return Fail("unterminated comment");
          pos_ = end + 3;
          continue;
        }
        if (LookingAt("<!") || LookingAt("<?")) return Fail("unsupported markup");
        element.children.emplace_back();
        if (!ParseElement(element.children.back(), depth + 1)) return false;
        continue;
      }
      if (c == '&') {
        if (!ParseReference(element.text)) return false;
        continue;
      }
      if (c == '>') return Fail("raw '>' in text");
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return Fail("control character in text");
      }
      element.text += c;
      ++pos_;
    }
  }

  std::string_view doc_;
  size_t pos_ = 0;
  std::string error_;
};

void Collect(const Element& element, std::string_view name, std::string_view class_name,
             std::vector<const Element*>& found) {
  if ((name.empty() || element.name == name) &&
      (class_name.empty() || element.HasClass(class_name))) {
    found.push_back(&element);
  }
  for (const Element& child : element.children) Collect(child, name, class_name, found);
}

}  // namespace

const std::string* Element::Attribute(std::string_view attribute) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute) return &value;
  }
  return nullptr;
}

bool Element::HasClass(std::string_view class_name) const {
  const std::string* classes = Attribute("class");
  if (classes == nullptr) return false;
  size_t start = 0;
  while (start <= classes->size()) {
    size_t end = classes->find(' ', start);
    if (end == std::string::npos) end = classes->size();
    if (std::string_view(*classes).substr(start, end - start) == class_name) return true;
    start = end + 1;
  }
  return false;
}

const Element* Element::Child(std::string_view child_name) const {
  for (const Element& child : children) {
    if (child.name == child_name) return &child;
  }
  return nullptr;
}

ParseResult ParseXml(std::string_view document) { return Parser(document).Run(); }

std::vector<const Element*> FindAll(const Element& root, std::string_view name,
                                    std::string_view class_name) {
  std::vector<const Element*> found;
  Collect(root, name, class_name, found);
  return found;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  const auto at = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continuation = [&](size_t k) { return k < text.size() && (at(k) & 0xC0) == 0x80; };
  while (i < text.size()) {
    const unsigned char b = at(i);
    if (b < 0x80) {
      ++i;
    } else if (b >= 0xC2 && b <= 0xDF && continuation(i + 1)) {
      i += 2;
    } else if (b >= 0xE0 && b <= 0xEF && continuation(i + 1) && continuation(i + 2)) {
      if ((b == 0xE0 && at(i + 1) < 0xA0) || (b == 0xED && at(i + 1) >= 0xA0)) return false;
      i += 3;
    } else if (b >= 0xF0 && b <= 0xF4 && continuation(i + 1) && continuation(i + 2) &&
               continuation(i + 3)) {
      if ((b == 0xF0 && at(i + 1) < 0x90) || (b == 0xF4 && at(i + 1) >= 0x90)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace everyseat::render::testing
