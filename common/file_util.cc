#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/interrupt_cleanup.h"

namespace forkcheck {
namespace {

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

absl::Status ErrnoError(absl::string_view action, const std::string& path,
                        int error) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot ", action, " ", Quoted(path), ": ", std::strerror(error)));
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path,
                                     absl::string_view what) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "cannot open ", what, " ", Quoted(path), ": ", std::strerror(errno)));
  }
  std::string contents;
  char buffer[1 << 14];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file)) > 0) {
    contents.append(buffer, n);
  }
  // Reading a directory, for instance, opens fine but fails here.
  const bool failed = std::ferror(file) != 0;
  const int read_errno = errno;
  std::fclose(file);
  if (failed) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read ", what, " ", Quoted(path), ": ",
                     std::strerror(read_errno)));
  }
  return contents;
}

absl::Status WriteAllAndSync(int fd, absl::string_view contents,
                             const std::string& path) {
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoError("write", path, errno);
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return ErrnoError("flush", path, errno);
  return absl::OkStatus();
}

absl::Status SyncDirectory(const std::string& directory) {
  const int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open directory", directory, errno);
  // Some file systems cannot sync a directory (EINVAL); nothing to flush.
  if (fsync(fd) != 0 && errno != EINVAL) {
    const int error = errno;
    close(fd);
    return ErrnoError("flush directory", directory, error);
  }
  close(fd);
  return absl::OkStatus();
}

absl::Status CheckCanCreateFile(const std::string& path) {
  const std::filesystem::path target(path);
  struct stat info {};
  if (target.filename().empty() ||
      (stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode))) {
    return absl::FailedPreconditionError(
        absl::StrCat(Quoted(path), " is a directory"));
  }
  // The nearest ancestor that exists: the directories below it would be
  // made, so it is where the file's fate is decided.
  std::filesystem::path directory = target.parent_path();
  while (true) {
    const std::string name = directory.empty() ? "." : directory.string();
    if (stat(name.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) {
        return absl::FailedPreconditionError(
            absl::StrCat(Quoted(name), " is not a directory"));
      }
      break;
    }
    if ((errno != ENOENT && errno != ENOTDIR) || directory.empty() ||
        directory == directory.parent_path()) {
      return ErrnoError("look at", name, errno);
    }
    directory = directory.parent_path();
  }
  const std::string name = directory.empty() ? "." : directory.string();
  const std::string probe = absl::StrCat(name, "/.forkcheck-probe-", getpid());
  const int fd =
      open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        Quoted(name), ": cannot create files there: ", std::strerror(errno)));
  }
  close(fd);
  unlink(probe.c_str());
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  const std::string temp = absl::StrCat(path, ".tmp.", getpid());
  int fd = -1;
  int open_errno = 0;
  // Registered as it is made, and forgotten as it goes: Ctrl-C while it is
  // written (fsync can take a while) leaves no temporary file.
  RunWithoutInterruption([&] {
    fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    open_errno = errno;
    if (fd >= 0) RemoveOnInterrupt(temp);
  });
  if (fd < 0) return ErrnoError("create", temp, open_errno);
  auto give_up = [&temp](absl::Status status) {
    RunWithoutInterruption([&] {
      unlink(temp.c_str());
      ForgetOnInterrupt(temp);
    });
    return status;
  };
  if (absl::Status written = WriteAllAndSync(fd, contents, temp);
      !written.ok()) {
    close(fd);
    return give_up(written);
  }
  if (close(fd) != 0) return give_up(ErrnoError("close", temp, errno));
  int rename_errno = 0;
  RunWithoutInterruption([&] {
    if (rename(temp.c_str(), path.c_str()) != 0) {
      rename_errno = errno;
      unlink(temp.c_str());
    }
    ForgetOnInterrupt(temp);
  });
  if (rename_errno != 0) return ErrnoError("rename onto", path, rename_errno);
  return absl::OkStatus();
}

std::string DescribeOutputTail(const std::string& path, size_t bytes) {
  absl::StatusOr<std::string> text = ReadFile(path, "output");
  if (!text.ok() || text->empty()) return "it wrote nothing";
  const absl::string_view tail =
      text->size() <= bytes
          ? absl::string_view(*text)
          : absl::string_view(*text).substr(text->size() - bytes);
  return absl::StrCat("its output ends: ",
                      absl::StripTrailingAsciiWhitespace(tail));
}

}  // namespace forkcheck
