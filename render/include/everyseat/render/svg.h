// SVG pictures of an SPC analysis: the Making Data Count chart (spc.md section 7) and the
// variation and assurance icons on their own. The drawing is our own; the colours, line styles
// and accessibility choices are described in docs/methods/charts.md.
//
// Every function here is pure: it reads its arguments and returns a new string, so it is safe to
// call concurrently from any number of threads.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "everyseat/spc/types.h"

namespace everyseat::render {

struct SvgOptions {
  // The chart's accessible name, also drawn at the top (shortened with "…" if it would run into
  // the icons; the full text is always in <title>). Empty: "Statistical process control chart".
  std::string title;
  // The y axis label or unit (e.g. "attendances", "%"); empty for none.
  std::string y_label;
  // REQUIRES: point_labels.size() == analysis.points.size(), or empty. One display label per
  // point (dates as written in the input). When empty (or of any other size, which is treated as
  // empty) the points are labelled 1, 2, 3, ...
  std::vector<std::string> point_labels;
  // Notes shown as numbered markers above the point with that (0-based) index; the text is in
  // the marker's <title>. Indices beyond the last point are ignored.
  std::vector<std::pair<size_t, std::string>> annotations;
  // Size in pixels; values are clamped to [240, 10000] x [160, 10000].
  int width = 800;
  int height = 420;
  // Prefix for the element ids ("<prefix>-title", "<prefix>-desc"), so several SVGs can share
  // one page: give each a different prefix. Characters other than ASCII letters, digits, '-', '_'
  // and '.' become '_'; a prefix that does not start with a letter or '_' gets "es-" in front;
  // empty means "es".
  std::string id_prefix = "es";
};

// The whole chart as a standalone <svg> element (no XML declaration, so it can be written to a
// file or placed inline in HTML). The root has role="img" and is labelled by a <title> (the
// title option) and a <desc> holding analysis.summary.reading. Never fails: an empty analysis,
// missing values, missing limits and non-finite numbers all give a valid picture; non-finite
// numbers are treated as missing, and values beyond +-1e300 are drawn at the plot's edge.
// Cost: linear in the number of points (about 1 ms for 1,000 points).
[[nodiscard]] std::string RenderSvg(const spc::Analysis& analysis, const SvgOptions& options);

// The icons alone, 40 x 40 pixels, for tables and board reports: a standalone <svg> with
// role="img", an aria-label and a <title> saying what the icon means. An empty string for kNone.
[[nodiscard]] std::string VariationIconSvg(spc::VariationIcon icon);
[[nodiscard]] std::string AssuranceIconSvg(spc::AssuranceIcon icon);

}  // namespace everyseat::render
