// Files that appear together: a run's report, its Markdown summary and its
// HTML page. A reader that finds one (the report) must find the others
// beside it, from the same run, and no half-written or temporary file.
//
// Add writes each file to a temporary beside it ("<path>.tmp.<pid>",
// flushed to disk; removed if SIGINT, SIGTERM or SIGHUP ends the process:
// common/interrupt_cleanup.h). Commit renames them onto their paths in the
// order they were added, with that cleanup held off, so that a signal finds
// either every temporary (and removes them) or every file in place; then it
// flushes their directories, so that the renames outlive a crash of the
// machine. Only SIGKILL or a crash between two renames (microseconds) can
// leave some files without the others: add last the one readers look for,
// and its presence implies the others'.
#ifndef FORKCHECK_COMMON_FILE_SET_H_
#define FORKCHECK_COMMON_FILE_SET_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

class FileSet {
 public:
  FileSet() = default;
  FileSet(const FileSet&) = delete;
  FileSet& operator=(const FileSet&) = delete;
  // Removes the temporaries of a set never committed (an error on the way).
  ~FileSet();

  // Writes `contents` to a temporary beside `path`, whose directory must
  // exist. An error names the temporary; nothing of it stays.
  absl::Status Add(const std::string& path, absl::string_view contents);

  // Renames every file into place, in the order added, then flushes their
  // directories. If a rename fails, the files not yet renamed are removed
  // and the error names the path; those renamed before stay (so add last
  // the file whose presence promises the others). Commit once.
  absl::Status Commit();

 private:
  struct Staged {
    std::string temporary;
    std::string path;
  };
  void RemoveTemporaries();

  std::vector<Staged> staged_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_COMMON_FILE_SET_H_
