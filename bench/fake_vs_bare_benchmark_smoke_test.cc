// Runs //bench:fake_vs_bare_benchmark briefly at the smallest response size
// and checks that every benchmark ran and reported bytes. Never asserts a
// speed: the numbers of a fastbuild on a busy machine mean nothing.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace forkcheck {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value == nullptr ? fallback : value;
}

// Runs `args` (args[0] the program) and returns its exit code, or -1 if it
// could not be run or did not exit normally.
int RunProgram(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(FakeVsBareBenchmarkSmokeTest, RunsAndReportsBytes) {
  const std::string binary = EnvOr("TEST_SRCDIR", ".") + "/" +
                             EnvOr("TEST_WORKSPACE", "forkcheck") +
                             "/bench/fake_vs_bare_benchmark";
  const std::string out = EnvOr("TEST_TMPDIR", "/tmp") + "/smoke.json";
  ASSERT_EQ(
      RunProgram({binary, "--benchmark_filter=/65536",
                  "--benchmark_min_time=0.01", "--benchmark_repetitions=1",
                  "--benchmark_out_format=json", "--benchmark_out=" + out}),
      0)
      << binary;

  std::ifstream file(out);
  ASSERT_TRUE(file.is_open()) << out;
  const nlohmann::json report = nlohmann::json::parse(
      std::string(std::istreambuf_iterator<char>(file), {}), nullptr,
      /*allow_exceptions=*/false);
  ASSERT_FALSE(report.is_discarded()) << out << " is not JSON";
  ASSERT_TRUE(report.contains("benchmarks") && report["benchmarks"].is_array());

  std::set<std::string> seen;
  for (const nlohmann::json& run : report["benchmarks"]) {
    const std::string name = run.value("name", "");
    SCOPED_TRACE(name);
    EXPECT_FALSE(run.value("error_occurred", false))
        << run.value("error_message", "");
    EXPECT_GE(run.value("iterations", 0), 1);
    if (name.rfind("BM_ReadRows/", 0) == 0) {
      EXPECT_GT(run.value("bytes_per_second", 0.0), 0.0);
      // The fake's first 8192 rows are 1-2 bytes shorter than the others.
      EXPECT_NEAR(run.value("payload_bytes_per_response", 0.0), 65536.0,
                  65536.0 / 1000);
    } else {
      EXPECT_GT(run.value("fake_bytes_per_second", 0.0), 0.0);
      EXPECT_GT(run.value("bare_bytes_per_second", 0.0), 0.0);
      EXPECT_GT(run.value("fake_over_bare", 0.0), 0.0);
    }
    seen.insert(name);
  }
  const std::set<std::string> expected = {
      "BM_ReadRows/fake/inproc/65536/real_time",
      "BM_ReadRows/bare/inproc/65536/real_time",
      "BM_ReadRows/fake/tcp/65536/real_time",
      "BM_ReadRows/bare/tcp/65536/real_time",
      "BM_FakeOverBare/inproc/65536/real_time",
      "BM_FakeOverBare/tcp/65536/real_time",
  };
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace forkcheck
