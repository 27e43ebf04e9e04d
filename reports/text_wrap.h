// Console text that fits a terminal: lines wrapped at spaces, counted in
// characters (UTF-8: "±", "→" and "–" are one column each), not bytes.
#ifndef FORKCHECK_REPORTS_TEXT_WRAP_H_
#define FORKCHECK_REPORTS_TEXT_WRAP_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace forkcheck {

// The console's width: every line of the text summary (the guidance in it
// included) is under 100 columns, so a 100-column terminal never wraps one.
inline constexpr size_t kConsoleColumns = 99;

// Columns `text` takes: its UTF-8 code points.
size_t TextColumns(absl::string_view text);

// The lines `text` takes: its newlines.
size_t LineCount(absl::string_view text);

// `line` (no newline in it) broken at spaces into lines of at most `width`
// columns, each ending in "\n"; lines after the first start with `indent`
// spaces. A word longer than a line (a cell key) stays whole on a line of
// its own. Spaces where it breaks are dropped.
std::string WrapLine(absl::string_view line, size_t width, size_t indent);

// `text` (one line) cut to `width` columns, its last column "…", if it is
// longer; else `text`.
std::string CutToColumns(absl::string_view text, size_t width);

// `text` with every line longer than `width` columns cut to `width`, its
// last column "…" (CutToColumns): for the console, where a long name (a model with every
// variant axis) must not break the layout; the Markdown keeps it whole.
std::string CutLongLines(absl::string_view text, size_t width);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_TEXT_WRAP_H_
