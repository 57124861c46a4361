// The variation and assurance icons (see icons.h), and the standalone icon SVGs of the public
// API. Each icon is a white disc with a thick ring in the meaning's colour and a glyph that
// carries the meaning without colour: a flat line of dots (common cause), a letter H or L with an
// arrow (special cause, high or low), or a letter P, F or ? over a dashed target line.
// Thread-safety: stateless; safe to call concurrently.
#include "icons.h"

#include "everyseat/render/svg.h"
#include "text.h"

namespace everyseat::render {
namespace detail {
namespace {

using spc::AssuranceIcon;
using spc::VariationIcon;

void AppendRing(std::string& out, std::string_view colour) {
  out += "<circle cx=\"20\" cy=\"20\" r=\"17.5\" fill=\"";
  out += kBackground;
  out += "\" stroke=\"";
  out += colour;
  out += "\" stroke-width=\"3\"/>";
}

void AppendLetter(std::string& out, std::string_view letter, double x, double y, double size) {
  out += "<text x=\"";
  AppendNumber(out, x);
  out += "\" y=\"";
  AppendNumber(out, y);
  out += "\" font-size=\"";
  AppendNumber(out, size);
  out += "\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"";
  out += kInk;
  out += "\">";
  out += letter;
  out += "</text>";
}

// An arrow at x = 28 pointing up (high) or down (low).
void AppendArrow(std::string& out, std::string_view colour, bool high) {
  out += "<path d=\"";
  out += high ? "M28 29V12M23.5 16.5L28 12L32.5 16.5" : "M28 11V28M23.5 23.5L28 28L32.5 23.5";
  out += "\" fill=\"none\" stroke=\"";
  out += colour;
  out += "\" stroke-width=\"3\" stroke-linecap=\"round\" stroke-linejoin=\"round\"/>";
}

}  // namespace

std::string_view VariationMeaning(VariationIcon icon) {
  switch (icon) {
    case VariationIcon::kNone:
      return "";
    case VariationIcon::kCommonCause:
      return "Common cause variation: no significant change";
    case VariationIcon::kImprovementHigh:
      return "Special cause variation of an improving nature: higher values";
    case VariationIcon::kImprovementLow:
      return "Special cause variation of an improving nature: lower values";
    case VariationIcon::kConcernHigh:
      return "Special cause variation of a concerning nature: higher values";
    case VariationIcon::kConcernLow:
      return "Special cause variation of a concerning nature: lower values";
    case VariationIcon::kNeutralHigh:
      return "Special cause variation, neither improvement nor concern: higher values";
    case VariationIcon::kNeutralLow:
      return "Special cause variation, neither improvement nor concern: lower values";
  }
  return "";
}

std::string_view AssuranceMeaning(AssuranceIcon icon) {
  switch (icon) {
    case AssuranceIcon::kNone:
      return "";
    case AssuranceIcon::kPass:
      return "Assurance: the process is expected to meet the target";
    case AssuranceIcon::kFail:
      return "Assurance: the process is expected to miss the target";
    case AssuranceIcon::kInconsistent:
      return "Assurance: the process will meet or miss the target by chance (hit and miss)";
  }
  return "";
}

void AppendVariationGlyph(std::string& out, VariationIcon icon) {
  std::string_view colour;
  bool high = true;
  switch (icon) {
    case VariationIcon::kNone:
      return;
    case VariationIcon::kCommonCause:
      AppendRing(out, kCommonLine);
      out += "<path d=\"M9 21L13.5 18L18 22L22.5 18.5L27 21.5L31 19\" fill=\"none\" stroke=\"";
      out += kCommonLine;
      out += "\" stroke-width=\"1.5\"/><g fill=\"";
      out += kCommonLine;
      out +=
          "\"><circle cx=\"9\" cy=\"21\" r=\"2\"/><circle cx=\"13.5\" cy=\"18\" r=\"2\"/>"
          "<circle cx=\"18\" cy=\"22\" r=\"2\"/><circle cx=\"22.5\" cy=\"18.5\" r=\"2\"/>"
          "<circle cx=\"27\" cy=\"21.5\" r=\"2\"/><circle cx=\"31\" cy=\"19\" r=\"2\"/></g>";
      return;
    case VariationIcon::kImprovementHigh:
      colour = kImprovement;
      break;
    case VariationIcon::kImprovementLow:
      colour = kImprovement;
      high = false;
      break;
    case VariationIcon::kConcernHigh:
      colour = kConcern;
      break;
    case VariationIcon::kConcernLow:
      colour = kConcern;
      high = false;
      break;
    case VariationIcon::kNeutralHigh:
      colour = kNeutral;
      break;
    case VariationIcon::kNeutralLow:
      colour = kNeutral;
      high = false;
      break;
  }
  if (colour.empty()) return;  // an out-of-range enum value
  AppendRing(out, colour);
  AppendLetter(out, high ? "H" : "L", 15, 25.5, 15);
  AppendArrow(out, colour, high);
}

void AppendAssuranceGlyph(std::string& out, AssuranceIcon icon) {
  std::string_view colour;
  std::string_view letter;
  switch (icon) {
    case AssuranceIcon::kNone:
      return;
    case AssuranceIcon::kPass:
      colour = kImprovement;
      letter = "P";
      break;
    case AssuranceIcon::kFail:
      colour = kConcern;
      letter = "F";
      break;
    case AssuranceIcon::kInconsistent:
      colour = kCommonLine;
      letter = "?";
      break;
  }
  if (colour.empty()) return;
  AppendRing(out, colour);
  AppendLetter(out, letter, 20, 25, 17);
  out += "<path d=\"M11 30.5H29\" fill=\"none\" stroke=\"";
  out += colour;
  out += "\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>";
}

}  // namespace detail

namespace {

std::string StandaloneIcon(std::string_view kind, std::string_view meaning,
                           const std::string& glyph) {
  std::string out;
  out.reserve(glyph.size() + 400);
  out +=
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\" viewBox=\"0 0 40 40\" "
      "role=\"img\" class=\"spc-icon-";
  out += kind;
  out += "\" font-family=\"Frutiger, Arial, Helvetica, sans-serif\" aria-label=\"";
  detail::AppendEscaped(out, meaning);
  out += "\"><title>";
  detail::AppendEscaped(out, meaning);
  out += "</title>";
  out += glyph;
  out += "</svg>";
  return out;
}

}  // namespace

std::string VariationIconSvg(spc::VariationIcon icon) {
  std::string glyph;
  detail::AppendVariationGlyph(glyph, icon);
  if (glyph.empty()) return {};
  return StandaloneIcon("variation", detail::VariationMeaning(icon), glyph);
}

std::string AssuranceIconSvg(spc::AssuranceIcon icon) {
  std::string glyph;
  detail::AppendAssuranceGlyph(glyph, icon);
  if (glyph.empty()) return {};
  return StandaloneIcon("assurance", detail::AssuranceMeaning(icon), glyph);
}

}  // namespace everyseat::render
