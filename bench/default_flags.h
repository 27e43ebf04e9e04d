// Default command-line flags for the benchmark mains: added only when the
// command line does not set them, so that it can always override them.
#ifndef FORKCHECK_BENCH_DEFAULT_FLAGS_H_
#define FORKCHECK_BENCH_DEFAULT_FLAGS_H_

#include <string>
#include <vector>

namespace forkcheck {

// argv[0..argc) followed by each of `defaults` ("--name=value") whose
// "--name" appears nowhere in argv (as "--name" or "--name=..."), then
// nullptr. The result points into argv and `defaults`, which must outlive
// it; its size() - 1 is the new argc.
std::vector<char*> WithDefaultFlags(int argc, char** argv,
                                    std::vector<std::string>& defaults);

}  // namespace forkcheck

#endif  // FORKCHECK_BENCH_DEFAULT_FLAGS_H_
