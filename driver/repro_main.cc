// `./forkcheck repro 'CELL KEY'`: runs one cell of the matrix N times against
// its fake server, started as the main job starts it, prints each trial's
// outcome and the counts, and writes a directory that reproduces the cell
// without the harness (driver/repro_bundle.h).
//
// The trial is the matrix's own (matrix/cell_runner.h PrepareCellTrial, the
// server pool's ServerLaunch; a write trial's table read back after it):
// this program adds only --trace and --verbosity to its environment.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/interrupt_cleanup.h"
#include "common/runfiles.h"
#include "common/scoped_directory.h"
#include "common/scratch_owner.h"
#include "common/temp_dir.h"
#include "diagnosis/ptrace_permission.h"
#include "driver/command_line.h"
#include "driver/repro_bundle.h"
#include "fakes/fake_server_process.h"
#include "matrix/cell_runner.h"
#include "matrix/matrix_design.h"
#include "matrix/server_pool.h"
#include "reports/text_wrap.h"
#include "supervisor/testee.h"
#include "testees/testee_programs.h"

ABSL_FLAG(int, trials, 5, "how many times to run the cell's trial, 1 to 1000");
ABSL_FLAG(std::string, trace, "",
          "GRPC_TRACE for the trial, e.g. \"connectivity_state,subchannel\" or "
          "\"all\" (gRPC's "
          "tracers: doc/environment_variables.md of gRPC)");
ABSL_FLAG(std::string, verbosity, "",
          "GRPC_VERBOSITY for the trial: debug, info, error or none");
ABSL_FLAG(std::string, out, "",
          "the reproduction's directory (must not exist, or be empty); "
          "default repro/<cell>-<UTC time>/ under the current directory");
ABSL_FLAG(double, watchdog_scale, 1.0,
          "multiplies the trial's watchdog and its own deadlines, as the "
          "main job's flag does (raise it on a loaded machine)");

namespace forkcheck {
namespace {

constexpr char kUsage[] =
    "./forkcheck repro 'CELL KEY' [--trials=N] [--trace=GRPC_TRACE flags] "
    "[--verbosity=debug] [--out=DIR]";

// Exit statuses: 0 the trials ran (whatever their outcome), 2 bad input or
// a harness that could not run them.
constexpr int kExitCouldNotRun = 2;

int Fail(const std::string& message) {
  std::cerr << "forkcheck repro: " << message << "\n";
  return kExitCouldNotRun;
}

// "KEY=VALUE" entries for --trace and --verbosity; errors name the flag.
absl::StatusOr<std::vector<std::string>> TraceEnvironment(
    const std::string& trace, const std::string& verbosity) {
  std::vector<std::string> env;
  if (!trace.empty()) {
    // gRPC's tracer names, '-' to disable one, commas between them.
    const bool valid = std::all_of(trace.begin(), trace.end(), [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
             c == ',' || c == '-';
    });
    if (!valid) {
      return absl::InvalidArgumentError(
          absl::StrCat("--trace=\"", trace,
                       "\": expected tracer names separated by commas, e.g. "
                       "connectivity_state,subchannel"));
    }
    env.push_back("GRPC_TRACE=" + trace);
  }
  if (!verbosity.empty()) {
    const std::string upper = absl::AsciiStrToUpper(verbosity);
    if (upper != "DEBUG" && upper != "INFO" && upper != "ERROR" &&
        upper != "NONE") {
      return absl::InvalidArgumentError(
          absl::StrCat("--verbosity=\"", verbosity,
                       "\": expected debug, info, error or none"));
    }
    env.push_back("GRPC_VERBOSITY=" + upper);
  }
  return env;
}

// The command line that makes the same reproduction again.
std::string ReproCommand(const std::string& key, int trials,
                         const std::string& trace,
                         const std::string& verbosity) {
  std::string command =
      absl::StrCat("./forkcheck repro '", key, "' --trials=", trials);
  if (!trace.empty()) absl::StrAppend(&command, " --trace=", trace);
  if (!verbosity.empty()) absl::StrAppend(&command, " --verbosity=", verbosity);
  return command;
}

// `scratch_root`: where temporary files went before this run took a
// directory of its own (UseOwnTemporaryDirectory).
int Main(const std::string& argv0, const std::string& key,
         const std::string& scratch_root) {
  const int trials = absl::GetFlag(FLAGS_trials);
  if (trials < 1 || trials > 1000) {
    return Fail(absl::StrCat("--trials=", trials, "; expected 1 to 1000"));
  }
  const double scale = absl::GetFlag(FLAGS_watchdog_scale);
  if (!(scale >= 0.1 && scale <= 100)) {
    return Fail(
        absl::StrCat("--watchdog_scale=", scale, "; expected 0.1 to 100"));
  }
  const std::string trace = absl::GetFlag(FLAGS_trace);
  const std::string verbosity = absl::GetFlag(FLAGS_verbosity);
  absl::StatusOr<std::vector<std::string>> trace_env =
      TraceEnvironment(trace, verbosity);
  if (!trace_env.ok()) return Fail(std::string(trace_env.status().message()));

  // What runs killed outright left behind (their owners are dead).
  for (const std::string& removed : RemoveAbandonedScratch(scratch_root)) {
    std::cerr << "forkcheck repro: removed " << removed
              << ", left by a run that was killed\n";
  }

  absl::StatusOr<std::string> design_path =
      RunfileData("conformance/matrix_design.json", argv0);
  absl::StatusOr<std::string> server_binary = FakeServerBinaryPath(argv0);
  absl::StatusOr<std::string> read_table =
      RunfileExecutable("client/read_table", argv0);
  absl::StatusOr<std::string> table_judge =
      RunfileExecutable("matrix/judge_table_read_back", argv0);
  for (const auto* found :
       {&design_path, &server_binary, &read_table, &table_judge}) {
    if (!found->ok()) return Fail(std::string(found->status().message()));
  }
  absl::StatusOr<MatrixDesign> design = LoadMatrixDesignFile(*design_path);
  if (!design.ok()) return Fail(std::string(design.status().message()));

  // Every client of the design, described as the main job describes them:
  // a key may name any client's cell.
  const std::map<std::string, TesteeProgram> programs = TesteePrograms(argv0);
  std::set<std::string> clients = DesignClients(*design);
  clients.insert(kCppClient);
  CellRunOptions options;
  options.watchdog_scale = scale;
  options.read_table_binary = *read_table;
  std::map<std::string, v1::TesteeDescription> descriptions;
  std::vector<std::string> skipped;
  for (const std::string& client : clients) {
    absl::StatusOr<TesteeClient> testee =
        ReadyTestee(programs, client, std::chrono::seconds(30));
    if (!testee.ok()) {
      skipped.push_back(
          absl::StrCat(client, " (", testee.status().message(), ")"));
      continue;
    }
    descriptions[client] = testee->description;
    options.testees[client] = *std::move(testee);
  }
  absl::StatusOr<std::vector<Cell>> cells =
      ExpandEverySize(*design, descriptions);
  if (!cells.ok()) return Fail(std::string(cells.status().message()));
  absl::StatusOr<Cell> cell = FindCellByKey(*cells, key);
  if (!cell.ok()) {
    std::string message(cell.status().message());
    if (!skipped.empty()) {
      absl::StrAppend(&message, "\n(cells of clients that cannot run here ",
                      "are not among them: ", absl::StrJoin(skipped, "; "),
                      ")");
    }
    return Fail(message);
  }
  const std::string cell_key = CellKey(*cell);
  const v1::TesteeDescription& described = descriptions.at(cell->client);

  const absl::Time made = absl::Now();
  std::string out = PathFromUsersDirectory(absl::GetFlag(FLAGS_out));
  if (out.empty()) {
    const char* users = std::getenv("BUILD_WORKING_DIRECTORY");
    out = absl::StrCat(users != nullptr ? users : ".", "/repro/",
                       ReproDirectoryName(*cell, made));
  }
  out = std::filesystem::absolute(out).lexically_normal().string();

  // The fake server as the main job starts it, for this cell alone.
  absl::StatusOr<std::unique_ptr<ServerPool>> servers =
      ServerPool::Start(*server_binary, design->fault_scripts, {*cell});
  if (!servers.ok()) return Fail(std::string(servers.status().message()));
  absl::StatusOr<std::string> target = (*servers)->TargetFor(cell->axes);
  if (!target.ok()) return Fail(std::string(target.status().message()));
  // Each trial prepared afresh, as the matrix prepares each: a write
  // trial writes to tables of its own, named by its preparation, on the
  // server the trials share.
  const auto prepare = [&]() -> absl::StatusOr<CellTrial> {
    absl::StatusOr<CellTrial> trial = PrepareCellTrial(*cell, *target, options);
    if (!trial.ok()) return trial.status();
    TrialCommand& command = trial->prepared.command;
    command.env.insert(command.env.end(), trace_env->begin(), trace_env->end());
    return trial;
  };
  // The first trial's is the one the directory records.
  absl::StatusOr<CellTrial> first = prepare();
  if (!first.ok()) return Fail(std::string(first.status().message()));
  const TrialCommand& command = first->prepared.command;

  ReproBundle bundle;
  bundle.cell = *cell;
  bundle.key = cell_key;
  bundle.versions =
      absl::StrCat(described.library(), " ", described.library_version(),
                   ", gRPC core ", described.grpc_core_version());
  bundle.command = command;
  bundle.target = *target;
  bundle.server_binary = *server_binary;
  bundle.server = *(*servers)->LaunchFor(cell->axes);
  absl::StatusOr<ServerLaunch> script_server = ServerLaunchFor(
      cell->axes, design->fault_scripts, PowerProbe{}, kRunScriptStem);
  if (!script_server.ok()) {
    return Fail(std::string(script_server.status().message()));
  }
  bundle.script_server = *std::move(script_server);
  bundle.build_targets = {cell->client == kCppClient
                              ? "//models:trial_program"
                              : "//testees/python_grpcio:python_grpcio_testee",
                          "//fakes:fake_bigquery_storage_server"};
  if (first->read_back.has_value()) {
    // The harness's read-back of the recorded trial's table, aimed at
    // run.sh's own server, and its rules to judge what it reads.
    bundle.read_back =
        RetargetTableReadBack(*first->read_back, kRunScriptAddress);
    bundle.table_judge_binary = *table_judge;
    bundle.build_targets.push_back("//client:read_table");
    bundle.build_targets.push_back("//matrix:judge_table_read_back");
  }
  bundle.repro_command = ReproCommand(cell_key, trials, trace, verbosity);
  bundle.made = made;
  // A reproduction cut short, by Ctrl-C or by an error writing it, has no
  // README: a directory made here goes, with the servers and the trials.
  // Made here only if nothing, not even a dangling symlink, is there now;
  // a path whose state cannot be read is treated as the user's.
  std::error_code status_error;
  const bool created =
      std::filesystem::symlink_status(out, status_error).type() ==
      std::filesystem::file_type::not_found;
  std::optional<ScopedDirectory> incomplete;
  if (created) incomplete.emplace(out);
  if (absl::Status written = WriteReproFiles(bundle, out); !written.ok()) {
    return Fail(std::string(written.message()));
  }

  std::cout << "cell: " << cell_key << "\n"
            << "client: " << cell->client << ": " << bundle.versions << "\n"
            << trials << " trial" << (trials == 1 ? "" : "s") << ", "
            << command.workers << " worker" << (command.workers == 1 ? "" : "s")
            << ", watchdog " << command.watchdog.count()
            << " ms, fake server at " << *target
            << (first->read_back.has_value()
                    ? ", each trial's table read back after it"
                    : "")
            << (trace_env->empty()
                    ? ""
                    : absl::StrCat(", ", absl::StrJoin(*trace_env, " ")))
            << "\n";
  if (std::optional<std::string> refused = PtraceRefusalHere()) {
    std::cout << WrapLine(
        absl::StrCat("no gdb stacks of hung trials here: ", *refused),
        kConsoleColumns, 2);
  }
  std::cout.flush();
  std::vector<TrialSample> samples;
  bool harness_error = false;
  for (int i = 0; i < trials; ++i) {
    absl::StatusOr<CellTrial> trial = i == 0 ? first : prepare();
    if (trial.ok()) {
      samples.push_back(RunPreparedCellTrial(*trial));
    } else {
      samples.emplace_back();
      samples.back().harness_error = std::string(trial.status().message());
    }
    harness_error = harness_error || !samples.back().harness_error.empty();
    std::cout << DescribeTrialSample(i + 1, trials, samples.back());
    std::cout.flush();
  }
  std::cout << DescribeTrialCounts(samples) << "\n";
  if (absl::Status written = WriteReproReadme(bundle, samples, out);
      !written.ok()) {
    return Fail(std::string(written.message()));
  }
  if (absl::Status written = WriteReproEvidence(samples, out); !written.ok()) {
    return Fail(std::string(written.message()));
  }
  if (incomplete.has_value()) incomplete->Keep();
  if (absl::Status stopped = (*servers)->Stop(); !stopped.ok()) {
    std::cerr << "forkcheck repro: warning: " << stopped.message() << "\n";
  }
  std::cout << "reproduction: " << out << " (bash " << out
            << "/run.sh runs it without the harness)\n";
  if (harness_error) {
    return Fail("the harness could not run every trial (see above)");
  }
  return 0;
}

}  // namespace
}  // namespace forkcheck

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(absl::StrCat(
      "runs one cell of forkcheck's matrix several times and writes a "
      "directory that reproduces it without the harness.\nUsage: ",
      forkcheck::kUsage));
  // Abseil ends a program with status 1 on an unknown flag or a bad value;
  // this program's bad input exits 2, in one line naming the flag.
  absl::StatusOr<forkcheck::CommandLineScan> scan = forkcheck::ScanCommandLine(
      std::vector<std::string>(argv + 1, argv + argc));
  if (!scan.ok()) {
    std::cerr << "forkcheck repro: " << scan.status().message()
              << "; see ./forkcheck repro --help\n";
    return forkcheck::kExitCouldNotRun;
  }
  if (scan->help != forkcheck::HelpRequest::kNone) {
    std::cout << "Usage: " << forkcheck::kUsage << "\n\n"
              << forkcheck::DescribeFlagsOf(__FILE__);
    return 0;
  }
  // Ctrl-C must take the fake server's directory with it (the server and
  // the trials die with us: PR_SET_PDEATHSIG).
  forkcheck::InstallInterruptCleanup();
  // The trials' own directories go inside one of this run's, which a later
  // run removes if this one is killed outright.
  const std::string scratch_root = forkcheck::TemporaryRoot();
  forkcheck::UseOwnTemporaryDirectory();
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() != 2) {
    std::cerr << "forkcheck repro: expected one cell key"
              << (positional.size() > 2
                      ? absl::StrCat(", got also \"", positional[2],
                                     "\" (quote the key: it has spaces)")
                      : std::string())
              << "\nusage: " << forkcheck::kUsage << "\n";
    return forkcheck::kExitCouldNotRun;
  }
  return forkcheck::Main(argv[0], positional[1], scratch_root);
}
