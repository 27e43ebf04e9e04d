#include "driver/program_copy.h"

#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace forkcheck {
namespace {

namespace fs = std::filesystem;

absl::Status CopyFile(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::create_directories(to.parent_path(), error);
  if (!error) {
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
  }
  if (error) {
    return absl::InternalError(absl::StrCat(
        "copying ", from.string(), " to ", to.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

// A runfiles path names a file inside the tree: relative, no "..".
bool IsInsideTree(absl::string_view entry) {
  if (entry.empty() || entry.front() == '/') return false;
  for (absl::string_view part : absl::StrSplit(entry, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

// Copies the files `list` names from the runfiles tree that holds `path`.
absl::Status CopyListedRunfiles(const std::string& path, const fs::path& list,
                                const fs::path& runfiles_copy) {
  std::ifstream in(list);
  std::vector<std::string> entries;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) entries.push_back(line);
  }
  if (!in.eof() || entries.empty()) {
    return absl::InternalError(
        absl::StrCat("cannot read the runfiles list ", list.string()));
  }
  // The first entry is the launcher itself. Its tree is where the launcher
  // looks for it: beside it, or the tree that holds it.
  const std::string& own = entries.front();
  std::error_code error;
  fs::path root = path + ".runfiles";
  if (!fs::is_directory(root, error)) {
    if (!IsInsideTree(own) || !absl::EndsWith(path, absl::StrCat("/", own))) {
      return absl::InternalError(absl::StrCat(
          list.string(), ": ", path, " has no runfiles tree beside it, and ",
          "its first line, \"", own, "\", is not the end of the program's ",
          "path within one"));
    }
    root = path.substr(0, path.size() - own.size());
  }
  for (const std::string& entry : entries) {
    if (!IsInsideTree(entry)) {
      return absl::InternalError(absl::StrCat(
          list.string(), ": \"", entry, "\" is not a path inside a tree"));
    }
    if (absl::Status copied = CopyFile(root / entry, runfiles_copy / entry);
        !copied.ok()) {
      return copied;
    }
  }
  return absl::OkStatus();
}

bool IsScript(const fs::path& file) {
  std::ifstream program(file, std::ios::binary);
  char magic[2] = {0, 0};
  program.read(magic, 2);
  return magic[0] == '#' && magic[1] == '!';
}

}  // namespace

absl::Status CopyProgram(const std::string& path, const fs::path& bin) {
  std::error_code error;
  const fs::path real = fs::canonical(path, error);
  if (error) {
    return absl::NotFoundError(
        absl::StrCat("cannot find ", path, ": ", error.message()));
  }
  const fs::path copy = bin / fs::path(path).filename();
  if (absl::Status copied = CopyFile(real, copy); !copied.ok()) return copied;
  const fs::path runfiles_copy = copy.string() + ".runfiles";
  const fs::path list = path + kRunfilesListSuffix;
  if (fs::is_regular_file(list, error)) {
    return CopyListedRunfiles(path, list, runfiles_copy);
  }
  const fs::path runfiles = real.string() + ".runfiles";
  if (IsScript(real) && fs::is_directory(runfiles, error)) {
    fs::copy(runfiles, runfiles_copy, fs::copy_options::recursive, error);
    if (error) {
      return absl::InternalError(
          absl::StrCat("copying ", runfiles.string(), ": ", error.message()));
    }
  }
  return absl::OkStatus();
}

}  // namespace forkcheck
