#include "diagnosis/core_files.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace forkcheck {
namespace {

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ELF, type ET_CORE (4; e_type is at byte 16, little-endian on x86-64).
bool IsElfCore(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  unsigned char header[18];
  ssize_t n = read(fd, header, sizeof(header));
  close(fd);
  return n == static_cast<ssize_t>(sizeof(header)) && header[0] == 0x7f &&
         header[1] == 'E' && header[2] == 'L' && header[3] == 'F' &&
         header[16] == 4 && header[17] == 0;
}

// Regular files and directories directly under `directory`.
void ListDirectory(const std::string& directory,
                   std::vector<std::string>* files,
                   std::vector<std::string>* subdirectories) {
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string path = absl::StrCat(directory, "/", name);
    struct stat info;
    if (lstat(path.c_str(), &info) != 0) continue;  // symlinks not followed
    if (S_ISREG(info.st_mode)) files->push_back(path);
    if (S_ISDIR(info.st_mode) && subdirectories != nullptr) {
      subdirectories->push_back(path);
    }
  }
  closedir(dir);
}

}  // namespace

CoreDumpSetting DescribeCoreDumpSetting(std::string_view core_pattern,
                                        bool core_uses_pid) {
  CoreDumpSetting setting;
  setting.core_pattern = std::string(core_pattern);
  setting.core_uses_pid = core_uses_pid;
  std::string pattern = core_pattern.empty() ? "core" : setting.core_pattern;
  if (pattern[0] == '|') {
    setting.reason =
        absl::StrCat("kernel.core_pattern pipes cores to a program: ", pattern);
    return setting;
  }
  if (pattern.find('/') != std::string::npos) {
    setting.reason = absl::StrCat(
        "kernel.core_pattern writes cores ",
        pattern[0] == '/' ? "elsewhere: " : "into a subdirectory: ", pattern);
    return setting;
  }
  bool has_pid = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%') continue;
    char specifier = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (specifier == 'p') {
      has_pid = true;
    } else if (specifier != 'e' && specifier != '%') {
      setting.reason = absl::StrCat(
          "kernel.core_pattern uses %", std::string(1, specifier),
          ", so a core's file name cannot be predicted: ", pattern);
      return setting;
    }
    ++i;
  }
  if (core_uses_pid && !has_pid) pattern += ".%p";
  setting.in_working_directory = true;
  setting.file_name = pattern;
  return setting;
}

CoreDumpSetting CoreDumpSupport() {
  std::string pattern = ReadSmallFile("/proc/sys/kernel/core_pattern");
  std::string uses_pid = ReadSmallFile("/proc/sys/kernel/core_uses_pid");
  while (!pattern.empty() && pattern.back() == '\n') pattern.pop_back();
  CoreDumpSetting setting = DescribeCoreDumpSetting(
      pattern, absl::StripAsciiWhitespace(uses_pid) == "1");
  if (uses_pid.empty()) {
    setting.in_working_directory = false;
    setting.reason = "cannot read /proc/sys/kernel/core_uses_pid";
  }
  return setting;
}

std::string CoreFileName(const CoreDumpSetting& setting, pid_t pid,
                         std::string_view executable_name) {
  std::string name;
  const std::string& pattern = setting.file_name;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      name.push_back(pattern[i]);
      continue;
    }
    char specifier = pattern[++i];
    if (specifier == 'p') {
      absl::StrAppend(&name, pid);
    } else if (specifier == 'e') {
      name.append(executable_name.substr(0, 15));
    } else {
      name.push_back(specifier);
    }
  }
  return name;
}

std::vector<std::string> FindCoreFiles(const std::string& directory) {
  std::vector<std::string> files;
  std::vector<std::string> subdirectories;
  ListDirectory(directory, &files, &subdirectories);
  for (const std::string& subdirectory : subdirectories) {
    ListDirectory(subdirectory, &files, nullptr);
  }
  std::vector<std::string> cores;
  for (const std::string& file : files) {
    if (IsElfCore(file)) cores.push_back(file);
  }
  std::sort(cores.begin(), cores.end());
  return cores;
}

}  // namespace forkcheck
