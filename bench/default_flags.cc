#include "bench/default_flags.h"

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

std::vector<char*> WithDefaultFlags(int argc, char** argv,
                                    std::vector<std::string>& defaults) {
  std::vector<char*> args(argv, argv + argc);
  for (std::string& flag : defaults) {
    const absl::string_view name =
        absl::string_view(flag).substr(0, flag.find('='));
    bool set = false;
    for (int i = 1; i < argc && !set; ++i) {
      const absl::string_view arg = argv[i];
      set =
          arg == name || (absl::StartsWith(arg, name) &&
                          arg.size() > name.size() && arg[name.size()] == '=');
    }
    if (!set) args.push_back(flag.data());
  }
  args.push_back(nullptr);
  return args;
}

}  // namespace forkcheck
