#include "diagnosis/core_files.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace forkcheck {
namespace {

TEST(DescribeCoreDumpSettingTest, PlainNamesLandInTheWorkingDirectory) {
  CoreDumpSetting plain = DescribeCoreDumpSetting("core", false);
  EXPECT_TRUE(plain.in_working_directory);
  EXPECT_EQ(plain.file_name, "core");
  EXPECT_EQ(plain.reason, "");
  EXPECT_EQ(CoreFileName(plain, 42, "trial_program"), "core");

  CoreDumpSetting with_pid = DescribeCoreDumpSetting("core", true);
  EXPECT_TRUE(with_pid.in_working_directory);
  EXPECT_EQ(CoreFileName(with_pid, 42, "x"), "core.42");

  CoreDumpSetting empty = DescribeCoreDumpSetting("", false);
  EXPECT_EQ(CoreFileName(empty, 42, "x"), "core");

  // %p already there: core_uses_pid adds nothing. %e is the comm, 15 chars.
  CoreDumpSetting named = DescribeCoreDumpSetting("core.%e.%p", true);
  EXPECT_TRUE(named.in_working_directory);
  EXPECT_EQ(CoreFileName(named, 7, "stuck_and_crashing"),
            "core.stuck_and_crash.7");
  EXPECT_EQ(CoreFileName(DescribeCoreDumpSetting("c%%%p", false), 7, "x"),
            "c%7");
}

TEST(DescribeCoreDumpSettingTest, SaysWhyNot) {
  CoreDumpSetting piped = DescribeCoreDumpSetting(
      "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h", false);
  EXPECT_FALSE(piped.in_working_directory);
  EXPECT_EQ(piped.reason,
            "kernel.core_pattern pipes cores to a program: "
            "|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h");
  CoreDumpSetting elsewhere =
      DescribeCoreDumpSetting("/var/crash/core.%e.%p", false);
  EXPECT_FALSE(elsewhere.in_working_directory);
  EXPECT_EQ(
      elsewhere.reason,
      "kernel.core_pattern writes cores elsewhere: /var/crash/core.%e.%p");
  CoreDumpSetting timed = DescribeCoreDumpSetting("core.%t", false);
  EXPECT_FALSE(timed.in_working_directory);
  EXPECT_NE(timed.reason.find("%t"), std::string::npos) << timed.reason;
}

TEST(CoreDumpSupportTest, ReadsThisMachinesSettings) {
  std::ifstream in("/proc/sys/kernel/core_pattern");
  std::string pattern;
  std::getline(in, pattern);
  CoreDumpSetting setting = CoreDumpSupport();
  EXPECT_EQ(setting.core_pattern, pattern);
  EXPECT_EQ(setting.in_working_directory, setting.reason.empty())
      << setting.reason;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

std::string ElfHeader(unsigned char type) {
  std::string header =
      "\x7f"
      "ELF";
  header += std::string(12, '\x02');
  header.push_back(static_cast<char>(type));
  header.push_back('\0');
  header += std::string(46, '\0');
  return header;
}

TEST(FindCoreFilesTest, FindsElfCoresOneLevelDown) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/cores";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  for (const char* sub : {"/core.12", "/deep", "/deep/deeper"}) {
    ASSERT_EQ(mkdir((dir + sub).c_str(), 0755), 0);
  }
  WriteFile(dir + "/core", ElfHeader(4));          // Python's, in place
  WriteFile(dir + "/core.12/core", ElfHeader(4));  // the crash handler's
  WriteFile(dir + "/core.12/notes.txt", "core");   // not ELF
  WriteFile(dir + "/core.9", ElfHeader(2));        // an executable
  WriteFile(dir + "/short",
            "\x7f"
            "EL");                                     // too short to tell
  WriteFile(dir + "/deep/deeper/core", ElfHeader(4));  // two levels down
  EXPECT_EQ(FindCoreFiles(dir),
            (std::vector<std::string>{dir + "/core", dir + "/core.12/core"}));
  EXPECT_TRUE(FindCoreFiles(dir + "/missing").empty());
}

}  // namespace
}  // namespace forkcheck
