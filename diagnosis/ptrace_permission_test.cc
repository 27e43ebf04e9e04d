#include "diagnosis/ptrace_permission.h"

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "common/testing/test_processes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(PtraceRefusalTest, NoYamaOrScopeZeroLetsGdbAttach) {
  EXPECT_EQ(PtraceRefusal(std::nullopt, false), std::nullopt);
  EXPECT_EQ(PtraceRefusal(0, false), std::nullopt);
}

TEST(PtraceRefusalTest, ScopeOneRefusesSiblingsWithoutTheCapability) {
  EXPECT_THAT(PtraceRefusal(1, false),
              Optional(HasSubstr("kernel.yama.ptrace_scope is 1")));
  EXPECT_THAT(PtraceRefusal(1, false), Optional(HasSubstr("siblings")));
  EXPECT_EQ(PtraceRefusal(1, true), std::nullopt);
}

TEST(PtraceRefusalTest, ScopeTwoNeedsTheCapabilityAndThreeRefusesAll) {
  EXPECT_THAT(PtraceRefusal(2, false), Optional(HasSubstr("CAP_SYS_PTRACE")));
  EXPECT_EQ(PtraceRefusal(2, true), std::nullopt);
  EXPECT_THAT(PtraceRefusal(3, true), Optional(HasSubstr("no process")));
}

// A fake /proc with the two files PtraceRefusalHere reads: Yama's scope
// (none: no Yama) and a status with effective uid `uid` and the bounding
// and ambient capability masks given.
std::string FakeProc(const std::string& name,
                     const std::optional<std::string>& scope, int uid,
                     const std::string& bounding, const std::string& ambient) {
  const std::string root = test_support::FreshTestDirectory(name);
  std::filesystem::create_directories(root + "/proc/self");
  if (scope.has_value()) {
    std::filesystem::create_directories(root + "/proc/sys/kernel/yama");
    std::ofstream(root + "/proc/sys/kernel/yama/ptrace_scope") << *scope;
  }
  std::ofstream(root + "/proc/self/status")
      << "Name:\tforkcheck_run\nUid:\t1000\t" << uid << "\t" << uid << "\t"
      << uid << "\nCapInh:\t0000000000000000\nCapPrm:\t0000000000080000\n"
      << "CapEff:\t0000000000080000\nCapBnd:\t" << bounding << "\nCapAmb:\t"
      << ambient << "\n";
  return root;
}

constexpr char kAll[] = "000001ffffffffff";
constexpr char kNone[] = "0000000000000000";
constexpr char kSysPtraceOnly[] = "0000000000080000";  // bit 19
constexpr char kAllButSysPtrace[] = "000001fffff7ffff";

TEST(PtraceRefusalHereTest, GdbGetsTheCapabilityAsRootOrAmbientOnly) {
  // A user under Ubuntu's default, even with the capability effective here
  // (a file capability: gdb, exec'd, does not keep it).
  EXPECT_THAT(PtraceRefusalHere(FakeProc("user", "1\n", 1000, kAll, kNone)),
              Optional(HasSubstr("ptrace_scope is 1")));
  // Root keeps its bounding set across the exec.
  EXPECT_EQ(PtraceRefusalHere(FakeProc("root", "1\n", 0, kAll, kNone)),
            std::nullopt);
  // Root in a container that dropped CAP_SYS_PTRACE.
  EXPECT_THAT(
      PtraceRefusalHere(FakeProc("container", "2", 0, kAllButSysPtrace, kNone)),
      Optional(HasSubstr("--cap-add=SYS_PTRACE")));
  // An ambient capability survives the exec.
  EXPECT_EQ(
      PtraceRefusalHere(FakeProc("ambient", "2", 1000, kNone, kSysPtraceOnly)),
      std::nullopt);
  // No Yama in the kernel, or scope 0: nothing to refuse.
  EXPECT_EQ(
      PtraceRefusalHere(FakeProc("no_yama", std::nullopt, 1000, kNone, kNone)),
      std::nullopt);
  EXPECT_EQ(PtraceRefusalHere(FakeProc("zero", "0", 1000, kNone, kNone)),
            std::nullopt);
}

TEST(PtraceRefusalHereTest, WhatCannotBeParsedLeavesItToGdb) {
  EXPECT_EQ(
      PtraceRefusalHere(FakeProc("garbled_scope", "x", 1000, kNone, kNone)),
      std::nullopt);
  EXPECT_EQ(PtraceRefusalHere(FakeProc("garbled_caps", "1", 1000, "zz", kNone)),
            std::nullopt);
  EXPECT_EQ(PtraceRefusalHere(test_support::FreshTestDirectory("empty")),
            std::nullopt);
}

}  // namespace
}  // namespace forkcheck
