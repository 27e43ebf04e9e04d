// Sharing a fixed number of console lines among sections that can each say
// less: every section first gets the least it can say something in, then,
// in priority order, as much of what it would like as is left. The console
// summary uses it so that its total stays within a terminal's height
// whatever fires (expectation differences, failed cells, guidance).
#ifndef FORKCHECK_REPORTS_LINE_BUDGET_H_
#define FORKCHECK_REPORTS_LINE_BUDGET_H_

#include <cstddef>
#include <vector>

namespace forkcheck {

struct SectionLines {
  size_t least = 0;  // the fewest it can be shown in; 0: may be left out
  size_t most = 0;   // all it would take (at least `least`)
};

// Lines for each of `sections`, given in priority order: the leasts first
// (in priority order, while `budget` lasts), then the rest of each
// section's most in priority order. The allotments never sum to more than
// `budget`, and none is more than its section's most.
std::vector<size_t> AllotLines(size_t budget,
                               const std::vector<SectionLines>& sections);

// As AllotLines, but the lines beyond the leasts are shared evenly among
// the sections that want more (each up to its most; what one does not
// need goes to the others), a remainder under one line each in priority
// order: for peers, e.g. each client's share of a section.
std::vector<size_t> ShareLines(size_t budget,
                               const std::vector<SectionLines>& sections);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_LINE_BUDGET_H_
