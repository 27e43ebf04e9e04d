#include "matrix/cell.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace forkcheck {

const std::vector<AxisDeclaration>& AxisDeclarations() {
  using Carrier = AxisDeclaration::Carrier;
  static const auto* const kAxes = new std::vector<AxisDeclaration>{
      {"workers", &Axes::workers, {}, 64, Carrier::kRequest},
      {"transport", &Axes::transport, {"tcp", "unix"}, 0, Carrier::kServer},
      {"table", &Axes::table, {}, 0, Carrier::kRequest},
      {"faults", &Axes::faults, {}, 0, Carrier::kServer},
      {"fork_support",
       &Axes::fork_support,
       {"unset", "true", "false"},
       0,
       Carrier::kEnvironment,
       "GRPC_ENABLE_FORK_SUPPORT"},
      {"poll_strategy",
       &Axes::poll_strategy,
       {"default", "epoll1", "poll"},
       0,
       Carrier::kEnvironment,
       "GRPC_POLL_STRATEGY"},
      {"fork_hooks",
       &Axes::fork_hooks,
       {"none", "application"},
       0,
       Carrier::kTestee},
      {"child_channel",
       &Axes::child_channel,
       {"default", "local_pool"},
       0,
       Carrier::kTestee},
      {"busy_parent_thread",
       &Axes::busy_parent_thread,
       {},
       0,
       Carrier::kTestee},
      {"workload",
       &Axes::workload,
       {"read", "write"},
       0,
       Carrier::kRequest,
       "",
       /*absent_in_older_reports=*/true},
  };
  return *kAxes;
}

bool IsBaselineAxes(const Axes& axes, const Axes& defaults) {
  Axes wanted = defaults;
  wanted.workers = axes.workers;
  wanted.workload = axes.workload;
  return AxisValues(axes) == AxisValues(wanted);
}

std::vector<std::pair<std::string, std::string>> AxisValues(const Axes& axes) {
  std::vector<std::pair<std::string, std::string>> values;
  for (const AxisDeclaration& axis : AxisDeclarations()) {
    std::string text;
    if (const auto* count = std::get_if<int Axes::*>(&axis.field)) {
      text = absl::StrCat(axes.**count);
    } else if (const auto* flag = std::get_if<bool Axes::*>(&axis.field)) {
      text = axes.**flag ? "yes" : "no";
    } else {
      text = axes.*std::get<std::string Axes::*>(axis.field);
    }
    values.emplace_back(axis.name, std::move(text));
  }
  return values;
}

std::vector<const AxisDeclaration*> AxesAwayFromDefault(const Axes& axes) {
  // AxisValues lists the axes in declaration order.
  const std::vector<std::pair<std::string, std::string>> defaults =
      AxisValues(Axes());
  const std::vector<std::pair<std::string, std::string>> values =
      AxisValues(axes);
  std::vector<const AxisDeclaration*> away;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != defaults[i]) away.push_back(&AxisDeclarations()[i]);
  }
  return away;
}

std::string CellModelName(
    const std::string& client, const std::string& model,
    const std::vector<std::pair<std::string, std::string>>& variant) {
  std::string name =
      client == kCppClient ? model : absl::StrCat(client, ":", model);
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
