#include "fakes/write_names.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace forkcheck {
namespace {

// Splits `name` on '/' and checks the literal components at even positions
// against `keywords`; the ids in between must be non-empty.
std::optional<std::vector<std::string>> SplitResourceName(
    absl::string_view name, const std::vector<absl::string_view>& keywords) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 2 * keywords.size()) return std::nullopt;
  for (size_t i = 0; i < keywords.size(); ++i) {
    if (parts[2 * i] != keywords[i] || parts[2 * i + 1].empty()) {
      return std::nullopt;
    }
  }
  return parts;
}

}  // namespace

std::string TableName::FullName() const {
  return absl::StrCat("projects/", project, "/datasets/", dataset, "/tables/",
                      table);
}

std::optional<TableName> ParseTableName(absl::string_view name) {
  auto parts = SplitResourceName(name, {"projects", "datasets", "tables"});
  if (!parts.has_value()) return std::nullopt;
  return TableName{(*parts)[1], (*parts)[3], (*parts)[5]};
}

std::optional<WriteStreamName> ParseWriteStreamName(absl::string_view name) {
  auto parts =
      SplitResourceName(name, {"projects", "datasets", "tables", "streams"});
  if (!parts.has_value()) return std::nullopt;
  return WriteStreamName{TableName{(*parts)[1], (*parts)[3], (*parts)[5]},
                         (*parts)[7]};
}

}  // namespace forkcheck
