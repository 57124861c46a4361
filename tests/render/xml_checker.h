// A small, strict XML well-formedness checker for the renderer's tests, which also builds a
// tree so tests can ask structural questions ("how many circles with class spc-point?").
//
// Stricter than XML where our writer promises more: attribute values are quoted, the only
// entities are the five predefined ones and numeric references, and text never holds a raw '>'.
// Not supported (the writer never emits them): DOCTYPE, CDATA, processing instructions.
// Thread-safety: free functions over their arguments.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace everyseat::render::testing {

struct Element {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // values unescaped
  std::vector<Element> children;
  std::string text;  // the character data directly inside, unescaped and concatenated

  // The attribute's value, or nullptr.
  [[nodiscard]] const std::string* Attribute(std::string_view attribute) const;
  // True if the class attribute lists `name` as one of its words.
  [[nodiscard]] bool HasClass(std::string_view class_name) const;
  // The first child element called `child_name`, or nullptr.
  [[nodiscard]] const Element* Child(std::string_view child_name) const;
};

struct ParseResult {
  bool ok = false;
  std::string error;  // with the byte offset, when !ok
  Element root;
};

// Parses one document: optional whitespace, one root element, optional whitespace.
[[nodiscard]] ParseResult ParseXml(std::string_view document);

// Every element below `root` (and root itself) with this name (any name if empty) and this class
// (any if empty), in document order.
[[nodiscard]] std::vector<const Element*> FindAll(const Element& root, std::string_view name,
                                                  std::string_view class_name = "");

// True if `text` is valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
[[nodiscard]] bool IsValidUtf8(std::string_view text);

}  // namespace everyseat::render::testing
