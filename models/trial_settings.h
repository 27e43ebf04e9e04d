// One trial of a process model as the trial program runs it, its settings
// taken from a testee request (cpp_testee.h): checked and turned into the
// model and its context in one place.
#ifndef FORKCHECK_MODELS_TRIAL_SETTINGS_H_
#define FORKCHECK_MODELS_TRIAL_SETTINGS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "models/model_registry.h"
#include "runtime/model.h"

namespace forkcheck {

struct TrialSettings {
  std::string model;
  ModelVariant variant;
  // All but `parent`, fork_hooks, child_local_subchannel_pool, workload
  // and the catalogue tables written (write_rows_of,
  // parent_write_rows_of), which PrepareTrial sets. `table` may be short (a
  // default-catalogue table's last name part) when reading.
  ModelContext context;
  std::string workload = "read";          // read (or empty) | write
  std::string fork_hooks = "none";        // none | application
  std::string child_channel = "default";  // default | local_pool
};

// The model, with `settings->context` completed (the table's full name, the
// workload and the tables whose rows it writes, the fork hooks, the child
// channel pool). INVALID_ARGUMENT naming the setting for anything out of
// range: a write needs a writable table (and a parent_write_table) of the
// fake's, projects/P/datasets/writable/tables/T with T a catalogue table,
// write_rows >= 0, a model that runs it, and no busy parent thread;
// NOT_FOUND for an unknown model.
absl::StatusOr<std::unique_ptr<Model>> PrepareTrial(TrialSettings* settings);

}  // namespace forkcheck

#endif  // FORKCHECK_MODELS_TRIAL_SETTINGS_H_
