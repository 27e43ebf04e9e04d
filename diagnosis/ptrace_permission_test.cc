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

// A fake /proc with the two files PtraceRefusalHere reads.
std::string FakeProc(const std::string& name,
                     const std::optional<std::string>& scope,
                     const std::string& cap_eff) {
  const std::string root = test_support::FreshTestDirectory(name);
  std::filesystem::create_directories(root + "/proc/self");
  if (scope.has_value()) {
    std::filesystem::create_directories(root + "/proc/sys/kernel/yama");
    std::ofstream(root + "/proc/sys/kernel/yama/ptrace_scope") << *scope;
  }
  std::ofstream(root + "/proc/self/status")
      << "Name:\tforkcheck_run\nCapInh:\t0000000000000000\nCapEff:\t" << cap_eff
      << "\nCapBnd:\t000001ffffffffff\n";
  return root;
}

TEST(PtraceRefusalHereTest, ReadsScopeAndEffectiveCapabilities) {
  // A user without capabilities under Ubuntu's default.
  EXPECT_THAT(PtraceRefusalHere(FakeProc("user", "1\n", "0000000000000000")),
              Optional(HasSubstr("ptrace_scope is 1")));
  // Root: every capability, bit 19 among them.
  EXPECT_EQ(PtraceRefusalHere(FakeProc("root", "1\n", "000001ffffffffff")),
            std::nullopt);
  // CAP_SYS_PTRACE alone.
  EXPECT_EQ(PtraceRefusalHere(FakeProc("ptrace", "2\n", "0000000000080000")),
            std::nullopt);
  // No Yama in the kernel.
  EXPECT_EQ(PtraceRefusalHere(FakeProc("no_yama", std::nullopt, "0")),
            std::nullopt);
}

TEST(PtraceRefusalHereTest, WhatCannotBeParsedLeavesItToGdb) {
  EXPECT_EQ(PtraceRefusalHere(FakeProc("garbled_scope", "x", "0")),
            std::nullopt);
  EXPECT_EQ(PtraceRefusalHere(FakeProc("garbled_caps", "1", "zz")),
            std::nullopt);
  EXPECT_EQ(PtraceRefusalHere(test_support::FreshTestDirectory("empty")),
            std::nullopt);
}

}  // namespace
}  // namespace forkcheck
