// Default command-line flags for the benchmark mains: added only when the
// command line does not set them, so that it can always override them.
#ifndef FORKCHECK_BENCH_DEFAULT_FLAGS_H_
#define FORKCHECK_BENCH_DEFAULT_FLAGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// argv[0..argc) followed by each of `defaults` ("--name=value") whose
// "--name" appears nowhere in argv (as "--name" or "--name=..."), then
// nullptr. The result points into argv and `defaults`, which must outlive
// it; its size() - 1 is the new argc.
std::vector<char*> WithDefaultFlags(int argc, char** argv,
                                    std::vector<std::string>& defaults);

// A flag of the benchmark itself, which Google Benchmark must not see:
// removes every "--name=VALUE" (`name` given with its dashes) from
// argv[1..*argc), shifting the rest down and ending them with nullptr, and
// sets *value to the last VALUE. INVALID_ARGUMENT naming the flag when a
// VALUE is not a positive integer; *value is then unchanged.
absl::Status TakePositiveIntFlag(absl::string_view name, int* argc, char** argv,
                                 int64_t* value);

// The whole main of a benchmark binary with nothing else to do: Google
// Benchmark initialised with argv and `defaults` (WithDefaultFlags), every
// registered benchmark run. 1 for an argument it does not know, else 0.
int RunBenchmarksWithDefaults(int argc, char** argv,
                              std::vector<std::string> defaults);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_DEFAULT_FLAGS_H_
