// One cell of the process-model matrix: a model with its variant, and a value
// for every axis. A cell's key names all of them, in one fixed order, so that
// the same cell has the same key in every report and expectations file, and
// an axis a gRPC build ignores is still visible in it.
#ifndef FORKCHECK_MATRIX_CELL_H_
#define FORKCHECK_MATRIX_CELL_H_

#include <string>
#include <utility>
#include <variant>
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
  // What the workers do: read the table, or write it (testee.proto's
  // TrialRequest.workload).
  std::string workload = "read";  // read | write
};

// One axis, declared once: its name, its field of Axes (whose type says how
// JSON writes it: a count, a flag, a text) and the values it allows. Every
// list of axes (keys, the design's parser, reports, trial requests)
// iterates AxisDeclarations(); in keys and trial requests every value is
// text (AxisValues: "2", "tcp", "yes").
struct AxisDeclaration {
  // Who carries the axis out in a trial.
  enum class Carrier {
    kRequest,      // the trial request's own fields (workers, table)
    kServer,       // the fake servers the trial reads from
    kEnvironment,  // a gRPC environment variable the supervisor sets
    kTestee,       // the testee itself, if its description lists the axis
  };
  std::string name;
  std::variant<int Axes::*, bool Axes::*, std::string Axes::*> field;
  // A text axis: the values allowed; empty for any (a table or a fault
  // script, which the design checks against its catalogue and scripts).
  std::vector<std::string> choices;
  int max_count = 0;  // a count: the values allowed are 1 to max_count
  Carrier carrier = Carrier::kRequest;
  // kEnvironment: the variable, unset for the first choice.
  std::string environment_variable;
  // Reports written before the axis existed lack it: read, their cells
  // have its default value (and their keys gain it, being the last axes).
  bool absent_in_older_reports = false;
};

// Every axis, in key order.
const std::vector<AxisDeclaration>& AxisDeclarations();

// The client dimension: a testee's client name (protos/forkcheck/testee.proto):
// the C++ reference client's (models/, whose names carry no client prefix)
// or another's, e.g. "python-grpcio".
inline constexpr char kCppClient[] = "cpp";

struct Cell {
  // The model's name in its client, e.g. "fork_after_create" (the registry's
  // for the C++ client) or "multiprocessing".
  std::string model;
  // The model's variant settings, as trial flags: {"parent_channel", "used"}
  // (a testee's: every setting, in its description's order).
  std::vector<std::pair<std::string, std::string>> variant;
  // The model with its variant (CellModelName), e.g.
  // "fork_after_create(parent_channel=used)" or
  // "python-grpcio:multiprocessing(start_method=fork,...)".
  std::string model_name;
  Axes axes;
  std::vector<std::string> groups;  // the design groups that asked for it
  std::string client = kCppClient;
};

// "<model>(<setting>=<value>,...)" with every variant setting in the
// testee's order; prefixed with "<client>:" for every client but the C++
// reference client, so that keys, tables and charts name the client wherever
// they name the model.
std::string CellModelName(
    const std::string& client, const std::string& model,
    const std::vector<std::pair<std::string, std::string>>& variant);

// "<model_name> workers=2 transport=tcp table=small faults=none
// fork_support=unset poll_strategy=default fork_hooks=none
// child_channel=default busy_parent_thread=no workload=read" (one line).
std::string CellKey(const Cell& cell);

// The axes as (name, value) pairs in key order, every value as text: "2",
// "tcp", "yes".
std::vector<std::pair<std::string, std::string>> AxisValues(const Axes& axes);

// Whether `axes` are a model's baseline: the design's `defaults` on every
// axis but the concurrency and the workload (a model as the design means
// it, not one of its stress or fork settings). The summary's table shows
// these cells' verdicts, and the matrix decides them first.
bool IsBaselineAxes(const Axes& axes, const Axes& defaults);

// The declarations of the axes whose value in `axes` differs from Axes{}'s,
// in key order.
std::vector<const AxisDeclaration*> AxesAwayFromDefault(const Axes& axes);

}  // namespace forkcheck

#endif  // FORKCHECK_MATRIX_CELL_H_
