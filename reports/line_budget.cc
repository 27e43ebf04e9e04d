#include "reports/line_budget.h"

#include <algorithm>

namespace forkcheck {

std::vector<size_t> AllotLines(size_t budget,
                               const std::vector<SectionLines>& sections) {
  std::vector<size_t> lines(sections.size(), 0);
  size_t left = budget;
  for (size_t i = 0; i < sections.size(); ++i) {
    lines[i] = std::min(std::min(sections[i].least, sections[i].most), left);
    left -= lines[i];
  }
  for (size_t i = 0; i < sections.size(); ++i) {
    const size_t more = std::min(sections[i].most - lines[i], left);
    lines[i] += more;
    left -= more;
  }
  return lines;
}

}  // namespace forkcheck
