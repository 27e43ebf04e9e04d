// The command lines of forkcheck's binaries (the main job, repro), checked
// before Abseil parses them. Abseil ends a program with status 1, in its
// own words, on an unknown flag or a bad value, and its --help lists every
// flag over several screens; forkcheck's bad input exits 2 with one line
// that names the flag and points to --help, and --help fits one screen.
#ifndef FORKCHECK_DRIVER_COMMAND_LINE_H_
#define FORKCHECK_DRIVER_COMMAND_LINE_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

enum class HelpRequest {
  kNone,
  kShort,  // --help, -h, --helpshort: the one-screen usage
  kFull,   // --helpfull: every flag
};

struct CommandLineScan {
  HelpRequest help = HelpRequest::kNone;
  // The flags named on the command line, by name ("bench_repetitions";
  // "quick" for --noquick too): what a user asked for explicitly, which
  // --quick's settings must not override.
  std::set<std::string> given;
};

// Checks `args` (argv without the program name, up to a "--") against the
// flags registered in this program, in every form Abseil accepts
// (--name=value, --name value, -name, --name and --noname for a boolean).
// INVALID_ARGUMENT in one line naming the flag: `unknown flag "--tables"`,
// `--min_trials=abc: ...why...`, `--size needs a value`; Abseil's
// --flagfile, --fromenv, --tryfromenv and --undefok are refused (flags
// they bring would go unchecked). Leaves every flag's
// value as it was (absl::ParseCommandLine sets them afterwards). Arguments
// that are not flags are left for the caller.
absl::StatusOr<CommandLineScan> ScanCommandLine(
    const std::vector<std::string>& args);

// Every flag defined in `file` (e.g. "driver/forkcheck_run_main.cc", the
// __FILE__ of a binary's main), sorted, each with its help text and default,
// wrapped at 100 columns: the text of --helpfull.
std::string DescribeFlagsOf(absl::string_view file);

}  // namespace forkcheck

#endif  // FORKCHECK_DRIVER_COMMAND_LINE_H_
