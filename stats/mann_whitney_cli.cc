// For mann_whitney_agreement_test: reads one case per line of standard
// input, "x1 x2 ... | y1 y2 ...", and prints "U p-value exact|asymptotic"
// per line, with full precision, for the cross-check against scipy.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "stats/mann_whitney.h"

namespace {

bool ParseSample(absl::string_view text, std::vector<double>* out) {
  for (absl::string_view word :
       absl::StrSplit(text, ' ', absl::SkipWhitespace())) {
    double value = 0;
    if (!absl::SimpleAtod(word, &value)) return false;
    out->push_back(value);
  }
  return !out->empty();
}

}  // namespace

int main() {
  std::string line;
  int line_number = 0;
  while (std::getline(std::cin, line)) {
    ++line_number;
    const std::vector<absl::string_view> halves = absl::StrSplit(line, '|');
    std::vector<double> x;
    std::vector<double> y;
    if (halves.size() != 2 || !ParseSample(halves[0], &x) ||
        !ParseSample(halves[1], &y)) {
      std::fprintf(stderr, "line %d: want \"x1 x2 ... | y1 y2 ...\"\n",
                   line_number);
      return 2;
    }
    const forkcheck::MannWhitneyResult result = forkcheck::MannWhitneyU(x, y);
    std::printf("%.17g %.17g %s\n", result.u, result.p_value,
                result.exact ? "exact" : "asymptotic");
  }
  return 0;
}
