#include "common/scoped_directory.h"

#include <filesystem>
#include <system_error>
#include <utility>

#include "common/interrupt_cleanup.h"
#include "common/temp_dir.h"

namespace forkcheck {

absl::StatusOr<ScopedDirectory> ScopedDirectory::Make(absl::string_view prefix,
                                                      size_t socket_room) {
  absl::StatusOr<std::string> made;
  RunWithoutInterruption([&] {
    made = MakeTemporaryDirectory(prefix, socket_room);
    if (made.ok()) RemoveOnInterrupt(*made);
  });
  if (!made.ok()) return made.status();
  return ScopedDirectory(*std::move(made), AlreadyRegistered{});
}

ScopedDirectory::ScopedDirectory(std::string path) : path_(std::move(path)) {
  RemoveOnInterrupt(path_);
}

ScopedDirectory::ScopedDirectory(std::string path, AlreadyRegistered)
    : path_(std::move(path)) {}

ScopedDirectory::ScopedDirectory(ScopedDirectory&& other) noexcept
    : path_(other.path_), owned_(other.owned_) {
  other.owned_ = false;
}

ScopedDirectory::~ScopedDirectory() {
  if (!owned_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  ForgetOnInterrupt(path_);
}

void ScopedDirectory::Keep() {
  if (!owned_) return;
  ForgetOnInterrupt(path_);
  owned_ = false;
}

}  // namespace forkcheck
