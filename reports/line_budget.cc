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

std::vector<size_t> ShareLines(size_t budget,
                               const std::vector<SectionLines>& sections) {
  std::vector<SectionLines> leasts = sections;
  for (SectionLines& section : leasts) {
    section.most = std::min(section.least, section.most);
  }
  std::vector<size_t> lines = AllotLines(budget, leasts);
  size_t left = budget;
  for (size_t n : lines) left -= n;
  while (left > 0) {
    size_t wanting = 0;
    for (size_t i = 0; i < sections.size(); ++i) {
      if (lines[i] < sections[i].most) ++wanting;
    }
    if (wanting == 0) break;
    const size_t share = std::max<size_t>(1, left / wanting);
    for (size_t i = 0; i < sections.size() && left > 0; ++i) {
      const size_t more = std::min({share, sections[i].most - lines[i], left});
      lines[i] += more;
      left -= more;
    }
  }
  return lines;
}

}  // namespace forkcheck
