#include "environment/environment.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/file_util.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern =
      absl::StrCat(base != nullptr ? base : "/tmp", "/envXXXXXX");
  EXPECT_NE(mkdtemp(pattern.data()), nullptr);
  return pattern;
}

void WriteUnder(const std::string& root, const std::string& path,
                const std::string& contents) {
  std::string dir = root;
  const size_t last_slash = path.rfind('/');
  for (absl::string_view part :
       absl::StrSplit(path.substr(1, last_slash - 1), '/')) {
    dir = absl::StrCat(dir, "/", part);
    mkdir(dir.c_str(), 0755);
  }
  ASSERT_TRUE(WriteFileAtomically(root + path, contents).ok());
}

bool HasNoteFor(const Environment& environment, const std::string& field) {
  for (const std::string& note : environment.notes) {
    if (absl::StartsWith(note, field + ": ")) return true;
  }
  return false;
}

// Every text fact and whether every number was read, by the name its note
// would carry.
void ExpectCompleteAndExplained(const Environment& e) {
  const GrpcFacts& g = e.grpc;
  const BuildFacts& b = e.build;
  const MachineFacts& m = e.machine;
  const HarnessFacts& h = e.harness;
  const std::pair<const char*, const std::string&> texts[] = {
      {"grpc.cpp_version", g.cpp_version},
      {"grpc.core_version", g.core_version},
      {"grpc.library_path", g.library_path},
      {"grpc.atfork", g.atfork},
      {"grpc.atfork_evidence", g.atfork_evidence},
      {"protobuf.header_version", e.protobuf.header_version},
      {"protobuf.library_path", e.protobuf.library_path},
      {"build.compiler", b.compiler},
      {"build.config", b.config},
      {"build.source", b.source},
      {"build.bazel_version", b.bazel_version},
      {"machine.hostname", m.hostname},
      {"machine.os", m.os},
      {"machine.kernel_release", m.kernel_release},
      {"machine.kernel_version", m.kernel_version},
      {"machine.architecture", m.architecture},
      {"machine.libc_version", m.libc_version},
      {"machine.cpu_model", m.cpu_model},
      {"machine.scaling_governor", m.scaling_governor},
      {"harness.workspace_directory", h.workspace_directory},
      {"harness.git_commit", h.git_commit},
      {"harness.git_tree", h.git_tree},
      {"start_time", e.start_time},
      {"end_time", e.end_time},
  };
  for (const auto& [field, value] : texts) {
    EXPECT_NE(value, "") << field;
    if (value == kUnknown) {
      EXPECT_TRUE(HasNoteFor(e, field))
          << field << " is unknown without a note; notes:\n"
          << absl::StrJoin(e.notes, "\n");
    }
  }
  const std::pair<const char*, bool> numbers_read[] = {
      {"machine.hardware_concurrency", m.hardware_concurrency.has_value()},
      {"machine.cpus_online", m.cpus_online.has_value()},
      {"machine.cpus_allowed", m.cpus_allowed.has_value()},
      {"machine.memory_total_bytes", m.memory_total_bytes.has_value()},
      {"machine.load_average_at_start", m.load_average_at_start.has_value()},
  };
  for (const auto& [field, read] : numbers_read) {
    EXPECT_TRUE(read || HasNoteFor(e, field)) << field << " without a note";
  }
  for (const std::vector<std::string>* list :
       {&b.inferred_flags, &b.sanitizers}) {
    for (const std::string& item : *list) EXPECT_NE(item, "");
  }
}

class EnvironmentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Keep git's search for a repository inside the test's directory.
    const char* base = std::getenv("TEST_TMPDIR");
    setenv("GIT_CEILING_DIRECTORIES", base != nullptr ? base : "/tmp", 1);
  }
};

TEST_F(EnvironmentTest, CollectsEveryFactOrSaysWhyNot) {
  setenv("GRPC_FORKCHECK_ENVIRONMENT_TEST", "a=b", 1);
  setenv("NOT_GRPC_FORKCHECK_TEST", "x", 1);
  EnvironmentOptions options;
  options.start = CaptureRunStart();
  options.workspace_directory = MakeTempDir();  // not a repository
  options.bazel_version = "bazel 9.9.9-test";
  Environment environment = CollectEnvironment(options);
  ExpectCompleteAndExplained(environment);

  EXPECT_NE(environment.grpc.cpp_version, kUnknown);
  EXPECT_TRUE(absl::StrContains(environment.grpc.library_path, "libgrpc"))
      << environment.grpc.library_path;
  EXPECT_TRUE(absl::StartsWith(environment.protobuf.header_version, "3."))
      << environment.protobuf.header_version;
  EXPECT_TRUE(
      absl::StrContains(environment.protobuf.library_path, "libprotobuf.so"))
      << environment.protobuf.library_path;
  EXPECT_FALSE(environment.build.compiler.empty());
  EXPECT_FALSE(environment.build.inferred_flags.empty());
  EXPECT_EQ(environment.build.bazel_version, "bazel 9.9.9-test");
#if defined(NDEBUG)
  EXPECT_TRUE(environment.build.config == "opt" ||
              environment.build.config == "unoptimized_without_assertions");
#else
  EXPECT_TRUE(environment.build.config == "fastbuild_or_dbg" ||
              environment.build.config == "optimized_with_assertions");
#endif

  const MachineFacts& machine = environment.machine;
  EXPECT_EQ(machine.hardware_concurrency,
            static_cast<int64_t>(std::thread::hardware_concurrency()));
  ASSERT_TRUE(machine.cpus_online.has_value());
  ASSERT_TRUE(machine.cpus_allowed.has_value());
  EXPECT_LE(*machine.cpus_allowed, *machine.cpus_online);
  ASSERT_TRUE(machine.memory_total_bytes.has_value());
  EXPECT_GT(*machine.memory_total_bytes, 64LL << 20);
  EXPECT_EQ(machine.load_average_at_start, options.start.load_average);
  EXPECT_NE(machine.kernel_release, kUnknown);

  // The workspace is no repository: git facts unknown, with git's reason.
  EXPECT_EQ(environment.harness.workspace_directory,
            options.workspace_directory);
  EXPECT_EQ(environment.harness.git_commit, kUnknown);
  EXPECT_EQ(environment.harness.git_tree, kUnknown);

  EXPECT_EQ(environment.grpc_env.at("GRPC_FORKCHECK_ENVIRONMENT_TEST"), "a=b");
  for (const auto& [name, value] : environment.grpc_env) {
    EXPECT_TRUE(absl::StartsWith(name, "GRPC_")) << name;
    EXPECT_EQ(value, std::getenv(name.c_str()));
  }

  absl::Time start;
  absl::Time end;
  std::string error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full, environment.start_time,
                              &start, &error))
      << error;
  ASSERT_TRUE(
      absl::ParseTime(absl::RFC3339_full, environment.end_time, &end, &error))
      << error;
  EXPECT_LE(start, end);
  EXPECT_TRUE(absl::EndsWith(environment.end_time, "Z"));
}

TEST_F(EnvironmentTest, WithoutWorkspaceStartOrBazelVersionTheyAreUnknown) {
  Environment environment = CollectEnvironment(EnvironmentOptions{});
  ExpectCompleteAndExplained(environment);
  EXPECT_EQ(environment.harness.workspace_directory, kUnknown);
  EXPECT_EQ(environment.harness.git_commit, kUnknown);
  EXPECT_EQ(environment.harness.git_tree, kUnknown);
  EXPECT_EQ(environment.build.bazel_version, kUnknown);
  EXPECT_EQ(environment.start_time, kUnknown);
  EXPECT_FALSE(environment.machine.load_average_at_start.has_value());
  EXPECT_TRUE(HasNoteFor(environment, "machine.load_average_at_start"));
  EXPECT_TRUE(HasNoteFor(environment, "build.bazel_version"));
  EXPECT_NE(environment.end_time, kUnknown);
}

TEST_F(EnvironmentTest, ReadsAGitWorkspace) {
  const std::string repo = MakeTempDir();
  ASSERT_TRUE(WriteFileAtomically(repo + "/f", "x").ok());
  const std::string git =
      absl::StrCat("git -C ", repo,
                   " -c user.name=t -c user.email=t@example.invalid"
                   " -c commit.gpgsign=false ");
  ASSERT_EQ(std::system((git + "init -q && " + git + "add f && " + git +
                         "commit -q -m x >/dev/null 2>&1")
                            .c_str()),
            0);
  EnvironmentOptions options;
  options.workspace_directory = repo;
  Environment environment = CollectEnvironment(options);
  EXPECT_EQ(environment.harness.git_commit.size(), 40u)
      << environment.harness.git_commit;
  EXPECT_EQ(environment.harness.git_tree, "clean");
  EXPECT_FALSE(HasNoteFor(environment, "harness.git_commit"));
}

TEST_F(EnvironmentTest, ReadsFilesUnderTheRootOrNotesTheirAbsence) {
  const std::string empty = MakeTempDir();
  EnvironmentOptions options;
  options.filesystem_root = empty;
  Environment missing = CollectEnvironment(options);
  ExpectCompleteAndExplained(missing);
  EXPECT_EQ(missing.machine.os, kUnknown);
  EXPECT_EQ(missing.machine.cpu_model, kUnknown);
  EXPECT_EQ(missing.machine.scaling_governor, kUnknown);
  EXPECT_FALSE(missing.machine.memory_total_bytes.has_value());
  EXPECT_TRUE(HasNoteFor(missing, "machine.memory_total_bytes"));
  for (const std::string& note : missing.notes) {
    if (absl::StartsWith(note, "machine.cpu_model: ")) {
      EXPECT_TRUE(absl::StrContains(note, empty + "/proc/cpuinfo")) << note;
    }
  }

  const std::string fake = MakeTempDir();
  WriteUnder(fake, "/etc/os-release",
             "NAME=\"Test\"\nPRETTY_NAME=\"Test OS 1 (fake)\"\nID=test\n");
  WriteUnder(
      fake, "/proc/cpuinfo",
      "processor\t: 0\nvendor_id\t: Fake\nmodel name\t: Fake CPU @ 1GHz\n"
      "\nprocessor\t: 1\nmodel name\t: Other\n");
  WriteUnder(fake, "/proc/meminfo",
             "MemTotal:        2048 kB\nMemFree:          1024 kB\n");
  WriteUnder(fake, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
             "performance\n");
  options.filesystem_root = fake;
  Environment present = CollectEnvironment(options);
  ExpectCompleteAndExplained(present);
  EXPECT_EQ(present.machine.os, "Test OS 1 (fake)");
  EXPECT_EQ(present.machine.cpu_model, "Fake CPU @ 1GHz");
  EXPECT_EQ(present.machine.memory_total_bytes, 2048 * 1024);
  EXPECT_EQ(present.machine.scaling_governor, "performance");
  EXPECT_FALSE(HasNoteFor(present, "machine.scaling_governor"));

  WriteUnder(fake, "/proc/meminfo", "MemTotal: lots\n");
  Environment garbled = CollectEnvironment(options);
  EXPECT_FALSE(garbled.machine.memory_total_bytes.has_value());
  EXPECT_TRUE(HasNoteFor(garbled, "machine.memory_total_bytes"));
}

TEST_F(EnvironmentTest, OptionsFromProcessReadBazelRunsVariables) {
  setenv("BUILD_WORKSPACE_DIRECTORY", "/some/workspace", 1);
  setenv("FORKCHECK_BAZEL_VERSION", "bazel 4.2.3", 1);
  RunStart start = CaptureRunStart();
  EnvironmentOptions options = EnvironmentOptionsFromProcess(start);
  EXPECT_EQ(options.workspace_directory, "/some/workspace");
  EXPECT_EQ(options.bazel_version, "bazel 4.2.3");
  EXPECT_EQ(options.start.time, start.time);
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
  unsetenv("FORKCHECK_BAZEL_VERSION");
  options = EnvironmentOptionsFromProcess(start);
  EXPECT_EQ(options.workspace_directory, "");
  EXPECT_EQ(options.bazel_version, "");
}

}  // namespace
}  // namespace forkcheck
