#include "common/runfiles.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "tools/cpp/runfiles/runfiles.h"

namespace forkcheck {

namespace {

using bazel::tools::cpp::runfiles::Runfiles;

absl::StatusOr<std::unique_ptr<Runfiles>> OpenRunfiles(
    const std::string& argv0) {
  std::string error;
  std::unique_ptr<Runfiles> runfiles(argv0.empty()
                                         ? Runfiles::CreateForTest(&error)
                                         : Runfiles::Create(argv0, &error));
  if (runfiles == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot find runfiles: ", error));
  }
  return runfiles;
}

absl::StatusOr<std::string> FindRunfile(const std::string& path_in_workspace,
                                        const std::string& argv0, int mode) {
  absl::StatusOr<std::unique_ptr<Runfiles>> runfiles = OpenRunfiles(argv0);
  if (!runfiles.ok()) return runfiles.status();
  const std::string runfiles_path = "forkcheck/" + path_in_workspace;
  // Inside the runfiles tree when there is one, not where a manifest points
  // (the file's real place in bazel-out): a launcher looks for its own
  // runfiles in the tree that holds it, and a copy of it (driver/
  // program_copy.h) takes them from there.
  for (const auto& [key, value] : (*runfiles)->EnvVars()) {
    if (key != "RUNFILES_DIR" || value.empty()) continue;
    std::error_code error;
    const std::string in_tree =
        std::filesystem::absolute(value + "/" + runfiles_path, error).string();
    if (!error && access(in_tree.c_str(), mode) == 0) return in_tree;
  }
  std::string path = (*runfiles)->Rlocation(runfiles_path);
  if (path.empty() || access(path.c_str(), mode) != 0) {
    const size_t slash = path_in_workspace.rfind('/');
    return absl::NotFoundError(absl::StrCat(
        path_in_workspace, " is not among the runfiles (\"", path,
        "\"); add //", path_in_workspace.substr(0, slash), ":",
        path_in_workspace.substr(slash + 1), " to the target's data"));
  }
  return path;
}

}  // namespace

absl::StatusOr<std::string> RunfileExecutable(
    const std::string& path_in_workspace, const std::string& argv0) {
  return FindRunfile(path_in_workspace, argv0, X_OK);
}

absl::StatusOr<std::vector<std::string>> RunfilesEnvironment(
    const std::string& argv0) {
  absl::StatusOr<std::unique_ptr<Runfiles>> runfiles = OpenRunfiles(argv0);
  if (!runfiles.ok()) return runfiles.status();
  std::vector<std::string> entries;
  for (const auto& [key, value] : (*runfiles)->EnvVars()) {
    // Absolute: the programs it is for may run in another directory (a
    // trial's), and argv[0] may have been relative.
    std::error_code error;
    std::string path = value;
    if (!value.empty()) {
      const std::filesystem::path absolute =
          std::filesystem::absolute(value, error);
      if (!error) path = absolute.string();
    }
    entries.push_back(absl::StrCat(key, "=", path));
  }
  return entries;
}

bool IsRunfilesVariable(absl::string_view entry) {
  const absl::string_view name = entry.substr(0, entry.find('='));
  return name == "RUNFILES_DIR" || name == "RUNFILES_MANIFEST_FILE" ||
         name == "JAVA_RUNFILES";
}

absl::StatusOr<std::string> RunfileData(const std::string& path_in_workspace,
                                        const std::string& argv0) {
  return FindRunfile(path_in_workspace, argv0, R_OK);
}

std::string PathFromUsersDirectory(const std::string& path) {
  const char* typed_in = std::getenv("BUILD_WORKING_DIRECTORY");
  if (path.empty() || path[0] == '/' || typed_in == nullptr) return path;
  return absl::StrCat(typed_in, "/", path);
}

}  // namespace forkcheck
