#include "reports/text_wrap.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/utf8.h"

namespace forkcheck {

size_t TextColumns(absl::string_view text) {
  return CodePoints(std::string_view(text.data(), text.size()));
}

size_t LineCount(absl::string_view text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string WrapLine(absl::string_view line, size_t width, size_t indent) {
  // The line's own leading spaces stay: they indent its first line.
  const size_t text_start = line.find_first_not_of(' ');
  if (text_start == absl::string_view::npos) return absl::StrCat(line, "\n");
  std::string out(line.substr(0, text_start));
  size_t columns = text_start;
  bool line_has_word = false;
  for (absl::string_view word :
       absl::StrSplit(line.substr(text_start), ' ', absl::SkipEmpty())) {
    const size_t length = TextColumns(word);
    if (line_has_word && columns + 1 + length > width) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      columns = indent;
      line_has_word = false;
    }
    if (line_has_word) {
      out.push_back(' ');
      ++columns;
    }
    absl::StrAppend(&out, word);
    columns += length;
    line_has_word = true;
  }
  return absl::StrCat(out, "\n");
}

std::string CutToColumns(absl::string_view text, size_t width) {
  if (width == 0 || TextColumns(text) <= width) return std::string(text);
  return FirstCodePoints(std::string_view(text.data(), text.size()),
                         width - 1) +
         "…";
}

std::string CutLongLines(absl::string_view text, size_t width) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool newline = end != absl::string_view::npos;
    if (!newline) end = text.size();
    absl::StrAppend(&out, CutToColumns(text.substr(start, end - start), width));
    if (newline) out.push_back('\n');
    start = end + 1;
  }
  return out;
}

}  // namespace forkcheck
