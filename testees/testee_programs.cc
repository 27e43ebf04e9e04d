#include "testees/testee_programs.h"

#include <utility>

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
  for (const auto& [client, runfile] : kTestees) {
    absl::StatusOr<std::string> path = RunfileExecutable(runfile, argv0);
    if (path.ok()) programs[client] = TesteeProgram{{*path}, {}};
  }
  return programs;
}

}  // namespace forkcheck
