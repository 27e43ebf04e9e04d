// One cell of the process-model matrix: a model with its variant, and a value
// for every axis. A cell's key names all of them, in one fixed order, so that
// the same cell has the same key in every report and expectations file, and
// an axis a gRPC build ignores is still visible in it.
#ifndef FORKCHECK_MATRIX_CELL_H_
#define FORKCHECK_MATRIX_CELL_H_

#include <string>
#include <utility>
#include <vector>

namespace forkcheck {

struct Axes {
  int workers = 2;                        // threads or processes
  std::string transport = "tcp";          // tcp | unix
  std::string table = "small";            // a table of the default catalogue
  std::string faults = "none";            // a fault script of the design
  std::string fork_support = "unset";     // GRPC_ENABLE_FORK_SUPPORT
  std::string poll_strategy = "default";  // GRPC_POLL_STRATEGY; default: unset
  std::string fork_hooks = "none";        // none | application
  std::string child_channel = "default";  // default | local_pool
  bool busy_parent_thread = false;
};

struct Cell {
  std::string model;  // the registry's name, e.g. "fork_after_create"
  // The model's variant settings, as trial flags: {"parent_channel", "used"}.
  std::vector<std::pair<std::string, std::string>> variant;
  std::string model_name;  // Model::name(): the model with its variant
  Axes axes;
  std::vector<std::string> groups;  // the design groups that asked for it
};

// "<model_name> workers=2 transport=tcp table=small faults=none
// fork_support=unset poll_strategy=default fork_hooks=none
// child_channel=default busy_parent_thread=no" (one line).
std::string CellKey(const Cell& cell);

// The axes as (name, value) pairs in key order.
std::vector<std::pair<std::string, std::string>> AxisValues(const Axes& axes);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CELL_H_
