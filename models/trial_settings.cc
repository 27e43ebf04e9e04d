#include "models/trial_settings.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "dataset/catalogue.h"
#include "probes/fork_hooks.h"

namespace forkcheck {
namespace {

constexpr char kTablePrefix[] = "projects/forkcheck/datasets/synthetic/tables/";

}  // namespace

absl::StatusOr<std::unique_ptr<Model>> PrepareTrial(TrialSettings* settings) {
  absl::StatusOr<std::unique_ptr<Model>> model =
      MakeModel(settings->model, settings->variant);
  if (!model.ok()) return model.status();
  ModelContext& context = settings->context;
  // As read_table and the main job read a table name. A name the catalogue
  // does not know still goes to the server (in full form), so that a trial
  // of an unknown table shows the server's NOT_FOUND, as a real client would.
  if (const TableSpec* spec = Catalogue::Default().Resolve(context.table)) {
    context.table = spec->name;
  } else if (context.table.find('/') == std::string::npos) {
    context.table = absl::StrCat(kTablePrefix, context.table);
  }
  // Each call's duration travels in the worker's result frame (1 MiB).
  if (context.session_calls < 0 || context.session_calls > 100000) {
    return absl::InvalidArgumentError(absl::StrCat(
        "session_calls=", context.session_calls, "; must be 0 to 100000"));
  }
  if (std::optional<ForkHooks> parsed = ParseForkHooks(settings->fork_hooks)) {
    context.fork_hooks = *parsed;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("fork_hooks=\"", settings->fork_hooks,
                     "\"; expected none or application"));
  }
  if (settings->child_channel != "default" &&
      settings->child_channel != "local_pool") {
    return absl::InvalidArgumentError(
        absl::StrCat("child_channel=\"", settings->child_channel,
                     "\"; expected default or local_pool"));
  }
  context.child_local_subchannel_pool = settings->child_channel == "local_pool";
  if (context.busy_parent_thread && !(*model)->supports_busy_parent_thread()) {
    return absl::InvalidArgumentError(
        absl::StrCat("busy_parent_thread: ", (*model)->name(),
                     " holds no used channel in the parent at the fork"));
  }
  if (context.target.empty()) {
    return absl::InvalidArgumentError("a target is required");
  }
  if (context.workers < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("workers=", context.workers, "; must be >= 1"));
  }
  if (context.streams < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("streams=", context.streams, "; must be >= 1"));
  }
  return model;
}

}  // namespace forkcheck
