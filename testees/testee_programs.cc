#include "testees/testee_programs.h"

#include <utility>
#include <vector>

#include "common/runfiles.h"

namespace forkcheck {
namespace {

// Client name -> its testee program's runfile. The C++ reference client's
// trial program is a testee like any other (models/cpp_testee.h).
constexpr std::pair<const char*, const char*> kTestees[] = {
    {"cpp", "models/trial_program"},
    {"python-grpcio", "testees/python_grpcio/python_grpcio_testee"},
};

}  // namespace

std::map<std::string, TesteeProgram> TesteePrograms(const std::string& argv0) {
  std::map<std::string, TesteeProgram> programs;
  // This program's tree, for a testee that finds its files through it (a
  // Python testee's launcher): the path found for it may be its file in
  // bazel-out, whose own tree is absent or from an older build.
  absl::StatusOr<std::vector<std::string>> tree = RunfilesEnvironment(argv0);
  for (const auto& [client, runfile] : kTestees) {
    absl::StatusOr<std::string> path = RunfileExecutable(runfile, argv0);
    if (!path.ok()) continue;
    programs[client] =
        TesteeProgram{{*path}, tree.ok() ? *tree : std::vector<std::string>{}};
  }
  return programs;
}

}  // namespace forkcheck
