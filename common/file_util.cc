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

absl::StatusOr<std::string> WriteTemporaryBeside(const std::string& path,
                                                 absl::string_view contents) {
  const std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  int fd = -1;
  int open_errno = 0;
  // Registered and created as one step: the cleanup never finds the file
  // made but not registered, and Ctrl-C while it is written (fsync can take
  // a while) leaves no temporary.
  RunWithoutInterruption([&] {
    fd =
        open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    open_errno = errno;
    if (fd >= 0) RemoveOnInterrupt(temporary);
  });
  if (fd < 0) return ErrnoError("create", temporary, open_errno);
  absl::Status written = WriteAllAndSync(fd, contents, temporary);
  if (close(fd) != 0 && written.ok()) {
    written = ErrnoError("close", temporary, errno);
  }
  if (!written.ok()) {
    DiscardTemporary(temporary);
    return written;
  }
  return temporary;
}

void DiscardTemporary(const std::string& temporary) {
  RunWithoutInterruption([&] {
    unlink(temporary.c_str());
    ForgetOnInterrupt(temporary);
  });
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  absl::StatusOr<std::string> temporary = WriteTemporaryBeside(path, contents);
  if (!temporary.ok()) return temporary.status();
  int rename_errno = 0;
  // With the cleanup held off: a signal finds the temporary or the file.
  RunWithoutInterruption([&] {
    if (rename(temporary->c_str(), path.c_str()) != 0) {
      rename_errno = errno;
      unlink(temporary->c_str());
    }
    ForgetOnInterrupt(*temporary);
  });
  if (rename_errno != 0) return ErrnoError("rename onto", path, rename_errno);
  return SyncDirectory(DirectoryOf(path));
}

std::string DirectoryOf(const std::string& path) {
  const std::string directory =
      std::filesystem::path(path).parent_path().string();
  return directory.empty() ? "." : directory;
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

bool SameFile(const std::string& a, const std::string& b) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (fs::exists(a, error) && fs::exists(b, error)) {
    const bool same = fs::equivalent(a, b, error);
    if (!error) return same;
  }
  // Without throwing: fs::absolute throws for an empty path.
  std::error_code a_error, b_error;
  const fs::path a_absolute = fs::absolute(a, a_error);
  const fs::path b_absolute = fs::absolute(b, b_error);
  if (a_error || b_error) return a == b;
  const fs::path a_path = fs::weakly_canonical(a_absolute, a_error);
  const fs::path b_path = fs::weakly_canonical(b_absolute, b_error);
  if (a_error || b_error) {
    return a_absolute.lexically_normal() == b_absolute.lexically_normal();
  }
  return a_path == b_path;
}

}  // namespace forkcheck
