#include "bench/default_flags.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "benchmark/benchmark.h"

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

absl::Status TakePositiveIntFlag(absl::string_view name, int* argc, char** argv,
                                 int64_t* value) {
  const std::string prefix = absl::StrCat(name, "=");
  int64_t taken = *value;
  int kept = 1;
  for (int i = 1; i < *argc; ++i) {
    const absl::string_view arg = argv[i];
    if (!absl::StartsWith(arg, prefix)) {
      argv[kept++] = argv[i];
      continue;
    }
    const absl::string_view text = arg.substr(prefix.size());
    int64_t parsed = 0;
    if (!absl::SimpleAtoi(text, &parsed) || parsed < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " wants a positive integer, got \"", text, "\""));
    }
    taken = parsed;
  }
  *argc = kept;
  argv[kept] = nullptr;
  *value = taken;
  return absl::OkStatus();
}

int RunBenchmarksWithDefaults(int argc, char** argv,
                              std::vector<std::string> defaults) {
  std::vector<char*> args = WithDefaultFlags(argc, argv, defaults);
  int args_count = static_cast<int>(args.size()) - 1;
  benchmark::Initialize(&args_count, args.data());
  if (benchmark::ReportUnrecognizedArguments(args_count, args.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace forkcheck
