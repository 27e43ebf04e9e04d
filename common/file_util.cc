#include "common/file_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  std::string temp = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create", temp, errno);
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      close(fd);
      unlink(temp.c_str());
      return ErrnoError("write", temp, error);
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    int error = errno;
    close(fd);
    unlink(temp.c_str());
    return ErrnoError("flush", temp, error);
  }
  if (close(fd) != 0) {
    int error = errno;
    unlink(temp.c_str());
    return ErrnoError("close", temp, error);
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int error = errno;
    unlink(temp.c_str());
    return ErrnoError("rename onto", path, error);
  }
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
