// The one-screen usage of ./forkcheck and ./forkcheck run --help
// (driver/usage.txt, compiled in; the bash entry point prints the file).
#ifndef FORKCHECK_DRIVER_USAGE_H_
#define FORKCHECK_DRIVER_USAGE_H_

#include <string_view>

namespace forkcheck {

std::string_view UsageText();

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_USAGE_H_
