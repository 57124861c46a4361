// The Making Data Count variation and assurance icons, drawn as our own 40 x 40 glyphs, and the
// colour palette the chart shares with them (documented in docs/methods/charts.md).
//
// Thread-safety: free functions and constants; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "everyseat/spc/types.h"

namespace everyseat::render::detail {

// The palette: Making Data Count colours plus NHS identity greys for ink.
inline constexpr std::string_view kCommonPoint = "#A6A6A6";   // common cause point
inline constexpr std::string_view kCommonLine = "#7B7D7D";    // data line, common cause icon
inline constexpr std::string_view kImprovement = "#289DE0";   // special cause of improvement
inline constexpr std::string_view kConcern = "#FAB428";       // special cause of concern
inline constexpr std::string_view kNeutral = "#490092";       // special cause, no direction
inline constexpr std::string_view kInk = "#212B32";           // text, centre line, outlines
inline constexpr std::string_view kSecondaryInk = "#425563";  // axes, limits, phase breaks
inline constexpr std::string_view kGrid = "#E8EDEE";          // gridlines
inline constexpr std::string_view kTarget = "#DA291C";        // target line (NHS red)
inline constexpr std::string_view kBackground = "#FFFFFF";

inline constexpr double kIconSize = 40;

// What the icon means, in words (used for <title> and aria-label). "" for kNone.
[[nodiscard]] std::string_view VariationMeaning(spc::VariationIcon icon);
[[nodiscard]] std::string_view AssuranceMeaning(spc::AssuranceIcon icon);

// Appends the icon's shapes in a 0..40 coordinate box (no <svg> or <title>). Nothing for kNone.
void AppendVariationGlyph(std::string& out, spc::VariationIcon icon);
void AppendAssuranceGlyph(std::string& out, spc::AssuranceIcon icon);

}  // namespace everyseat::render::detail
