// Proof that bazel/tsan.supp leaves races in forkcheck's own code visible
// when they run under gRPC: racy_grpc_server races on a counter in its
// CreateReadSession handler, on libgrpc++'s threads, and ThreadSanitizer must
// say so. Only meaningful with --config=tsan (.ci/run runs it so); without
// ThreadSanitizer the test fails rather than pass for nothing.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/runfiles.h"
#include "common/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

#if defined(__SANITIZE_THREAD__)  // GCC
#define FORKCHECK_BUILT_WITH_TSAN 1
#elif defined(__has_feature)  // Clang
#if __has_feature(thread_sanitizer)
#define FORKCHECK_BUILT_WITH_TSAN 1
#endif
#endif

namespace forkcheck {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

// The program's standard error (where TSan reports) after it ended.
std::string RunRacyServer() {
  absl::StatusOr<std::string> binary =
      RunfileExecutable("bazel/tsan_proof/racy_grpc_server");
  if (!binary.ok()) {
    ADD_FAILURE() << binary.status();
    return "";
  }
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string log =
      absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/racy_grpc_server.stderr");
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    ADD_FAILURE() << "cannot create " << log;
    return "";
  }
  absl::StatusOr<pid_t> pid = SpawnInProcessGroup({*binary}, {{}, {{fd, 2}}});
  close(fd);
  if (!pid.ok()) {
    ADD_FAILURE() << pid.status();
    unlink(log.c_str());
    return "";
  }
  std::optional<int> status = WaitForChild(*pid, std::chrono::seconds(60));
  if (!status.has_value()) {
    ADD_FAILURE() << "racy_grpc_server still running after 60 s; killed";
    kill(-*pid, SIGKILL);
    WaitForChild(*pid, std::chrono::seconds(10));
  }
  std::ifstream in(log);
  std::string stderr_text((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  unlink(log.c_str());
  return stderr_text;
}

TEST(TsanProofTest, ReportsARaceInOurCodeUnderAGrpcCallback) {
#ifndef FORKCHECK_BUILT_WITH_TSAN
  GTEST_FAIL() << "built without -fsanitize=thread, so this proves nothing: "
                  "run it with `bazel test --config=tsan "
                  "//bazel/tsan_proof:tsan_proof_test`";
#else
  const std::string report = RunRacyServer();
  // The first report (halt_on_error=1) is the race in our handler, not a
  // library false positive, and its stacks pass through libgrpc++.
  EXPECT_THAT(report, HasSubstr("WARNING: ThreadSanitizer: data race"))
      << report;
  EXPECT_THAT(report, ContainsRegex("SUMMARY: ThreadSanitizer: data race "
                                    "[^\n]*racy_grpc_server_main.cc:[0-9]+ in "
                                    "[^\n]*RacyIncrement"))
      << report;
  EXPECT_THAT(report, ContainsRegex("#[0-9]+ [^\n]*\\(libgrpc\\+\\+\\.so"))
      << report;
  EXPECT_THAT(report, Not(HasSubstr("both calls returned"))) << report;
#endif
}

}  // namespace
}  // namespace forkcheck
