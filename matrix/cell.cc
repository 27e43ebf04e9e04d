#include "matrix/cell.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace forkcheck {

std::vector<std::pair<std::string, std::string>> AxisValues(const Axes& axes) {
  return {
      {"workers", absl::StrCat(axes.workers)},
      {"transport", axes.transport},
      {"table", axes.table},
      {"faults", axes.faults},
      {"fork_support", axes.fork_support},
      {"poll_strategy", axes.poll_strategy},
      {"fork_hooks", axes.fork_hooks},
      {"child_channel", axes.child_channel},
      {"busy_parent_thread", axes.busy_parent_thread ? "yes" : "no"},
  };
}

std::string TesteeModelName(
    const std::string& client, const std::string& model,
    const std::vector<std::pair<std::string, std::string>>& variant) {
  std::string name = absl::StrCat(client, ":", model);
  if (variant.empty()) return name;
  std::vector<std::string> settings;
  for (const auto& [key, value] : variant) {
    settings.push_back(absl::StrCat(key, "=", value));
  }
  return absl::StrCat(name, "(", absl::StrJoin(settings, ","), ")");
}

std::string CellKey(const Cell& cell) {
  std::string key = cell.model_name;
  for (const auto& [name, value] : AxisValues(cell.axes)) {
    absl::StrAppend(&key, " ", name, "=", value);
  }
  return key;
}

}  // namespace forkcheck
