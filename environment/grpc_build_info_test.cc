#include "environment/grpc_build_info.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "environment/loaded_objects.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::Contains;

std::string Testdata(const std::string& name) {
  auto path = RunfileExecutable("environment/" + name);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : "";
}

TEST(MajorMinorTest, KeepsMajorAndMinorOnly) {
  EXPECT_EQ(MajorMinor("1.51.1"), "1.51");
  EXPECT_EQ(MajorMinor("1.51.0-pre1"), "1.51");
  EXPECT_EQ(MajorMinor("1.51"), "1.51");
  EXPECT_EQ(MajorMinor("1.60-dev"), "1.60");
  EXPECT_EQ(MajorMinor("29.0.0"), "29.0");
  EXPECT_EQ(MajorMinor("1"), "1");
  EXPECT_EQ(MajorMinor("1."), "1");
  EXPECT_EQ(MajorMinor(""), "");
}

TEST(AtforkRegistrationNameTest, NamesEachValue) {
  EXPECT_EQ(AtforkRegistrationName(AtforkRegistration::kRegisters),
            "registers");
  EXPECT_EQ(AtforkRegistrationName(AtforkRegistration::kDoesNotRegister),
            "does_not_register");
  EXPECT_EQ(AtforkRegistrationName(AtforkRegistration::kUnknown), "unknown");
}

TEST(FindAtforkRegistrationTest, ALibraryImportingAtforkRegisters) {
  AtforkFinding finding =
      FindAtforkRegistration(Testdata("libtestdata_atfork_user.so"));
  EXPECT_EQ(finding.registration, AtforkRegistration::kRegisters)
      << finding.evidence;
  EXPECT_TRUE(
      absl::StartsWith(finding.evidence, "libtestdata_atfork_user.so imports "))
      << finding.evidence;
  EXPECT_TRUE(absl::StrContains(finding.evidence, "atfork"))
      << finding.evidence;
}

TEST(FindAtforkRegistrationTest, ALibraryNotImportingItDoesNotRegister) {
  AtforkFinding finding =
      FindAtforkRegistration(Testdata("libtestdata_no_atfork.so"));
  EXPECT_EQ(finding.registration, AtforkRegistration::kDoesNotRegister)
      << finding.evidence;
  EXPECT_TRUE(absl::StartsWith(
      finding.evidence,
      "libtestdata_no_atfork.so imports neither pthread_atfork nor "
      "__register_atfork"))
      << finding.evidence;
}

TEST(FindAtforkRegistrationTest, NoLibraryOrAnUnreadableOneIsUnknown) {
  AtforkFinding statically_linked = FindAtforkRegistration("");
  EXPECT_EQ(statically_linked.registration, AtforkRegistration::kUnknown);
  EXPECT_TRUE(absl::StrContains(statically_linked.evidence, "statically"))
      << statically_linked.evidence;

  AtforkFinding missing = FindAtforkRegistration("/nonexistent/libgrpc.so.29");
  EXPECT_EQ(missing.registration, AtforkRegistration::kUnknown);
  EXPECT_TRUE(absl::StartsWith(
      missing.evidence, "cannot read the dynamic symbols of libgrpc.so.29: "))
      << missing.evidence;

  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string garbage =
      std::string(tmp != nullptr ? tmp : "/tmp") + "/libgrpc.so.99";
  ASSERT_TRUE(WriteFileAtomically(garbage,
                                  "\x7f"
                                  "ELF garbage")
                  .ok());
  AtforkFinding unreadable = FindAtforkRegistration(garbage);
  EXPECT_EQ(unreadable.registration, AtforkRegistration::kUnknown);
  EXPECT_TRUE(absl::StrContains(unreadable.evidence, "libgrpc.so.99"))
      << unreadable.evidence;
}

TEST(ProbeGrpcBuildTest, DescribesTheLinkedBuild) {
  auto info = ProbeGrpcBuild();
  ASSERT_TRUE(info.ok()) << info.status();
  // A version such as "1.51.1": digits, a dot, digits.
  const std::string key = MajorMinor(info->cpp_version);
  ASSERT_NE(key.find('.'), std::string::npos) << info->cpp_version;
  EXPECT_TRUE(absl::StartsWith(info->cpp_version, key + "."))
      << info->cpp_version;
  EXPECT_FALSE(info->core_version.empty());

  // This test links gRPC dynamically: the probe finds the very libgrpc the
  // loader mapped, and so can read its imports.
  EXPECT_THAT(LoadedObjectPaths(), Contains(info->library_path));
  const std::string basename =
      info->library_path.substr(info->library_path.rfind('/') + 1);
  EXPECT_TRUE(absl::StartsWith(basename, "libgrpc.so")) << basename;
  EXPECT_NE(info->atfork, AtforkRegistration::kUnknown) << info->evidence;
  EXPECT_TRUE(absl::StartsWith(info->evidence, basename + " imports "))
      << info->evidence;
}

TEST(ProbeGrpcBuildTest, RecordsTheEnvironmentAtProbeTime) {
  ASSERT_EQ(setenv("GRPC_ENABLE_FORK_SUPPORT", "true", 1), 0);
  ASSERT_EQ(unsetenv("GRPC_POLL_STRATEGY"), 0);
  auto with = ProbeGrpcBuild();
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_EQ(with->fork_support_env, "true");
  EXPECT_EQ(with->poll_strategy_env, "unset");

  ASSERT_EQ(unsetenv("GRPC_ENABLE_FORK_SUPPORT"), 0);
  ASSERT_EQ(setenv("GRPC_POLL_STRATEGY", "poll", 1), 0);
  auto without = ProbeGrpcBuild();
  ASSERT_TRUE(without.ok()) << without.status();
  EXPECT_EQ(without->fork_support_env, "unset");
  EXPECT_EQ(without->poll_strategy_env, "poll");
}

}  // namespace
}  // namespace forkcheck
