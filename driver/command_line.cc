#include "driver/command_line.h"

#include <map>
#include <utility>

#include "absl/flags/commandlineflag.h"
#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace forkcheck {
namespace {

constexpr size_t kColumns = 100;

// Whether `value` parses as `flag`'s type; its error otherwise. The flag is
// set and put back, since Abseil offers no other public way to ask.
absl::Status CheckValue(absl::CommandLineFlag& flag, absl::string_view value,
                        const std::string& as_given) {
  const std::string before = flag.CurrentValue();
  std::string error;
  if (!flag.ParseFrom(value, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(as_given, ": ", error));
  }
  std::string ignored;
  flag.ParseFrom(before, &ignored);
  return absl::OkStatus();
}

// Appends `text` to `out` in lines of at most kColumns, each beginning with
// `indent` spaces.
void AppendWrapped(absl::string_view text, size_t indent, std::string* out) {
  std::string line(indent, ' ');
  bool empty = true;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!empty && line.size() + 1 + word.size() > kColumns) {
      absl::StrAppend(out, line, "\n");
      line = std::string(indent, ' ');
      empty = true;
    }
    absl::StrAppend(&line, empty ? "" : " ", word);
    empty = false;
  }
  absl::StrAppend(out, line, "\n");
}

}  // namespace

absl::StatusOr<CommandLineScan> ScanCommandLine(
    const std::vector<std::string>& args) {
  CommandLineScan scan;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-') continue;  // not a flag
    const std::string flag = arg.substr(arg[1] == '-' ? 2 : 1);
    const size_t equals = flag.find('=');
    const std::string name = flag.substr(0, equals);
    // Abseil's usage flags are not registered flags.
    if (name == "help" || name == "h" || name == "helpshort") {
      scan.help = HelpRequest::kShort;
      continue;
    }
    if (name == "helpfull") {
      scan.help = HelpRequest::kFull;
      continue;
    }
    // Abseil's flags that take other flags from elsewhere would pass them
    // by this check (and by `given`).
    if (name == "flagfile" || name == "fromenv" || name == "tryfromenv" ||
        name == "undefok") {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name,
                       " is not supported: give each flag on the command line, "
                       "where it is checked"));
    }
    absl::CommandLineFlag* found = absl::FindCommandLineFlag(name);
    if (found == nullptr && absl::StartsWith(name, "no")) {
      absl::CommandLineFlag* positive =
          absl::FindCommandLineFlag(name.substr(2));
      if (positive != nullptr && positive->IsOfType<bool>()) {
        if (equals != std::string::npos) {
          return absl::InvalidArgumentError(
              absl::StrCat(arg, ": --", name, " takes no value"));
        }
        scan.given.insert(std::string(positive->Name()));
        continue;
      }
    }
    if (found == nullptr || found->IsRetired()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag \"", arg, "\""));
    }
    scan.given.insert(std::string(found->Name()));
    if (equals != std::string::npos) {
      if (absl::Status valid = CheckValue(*found, flag.substr(equals + 1), arg);
          !valid.ok()) {
        return valid;
      }
    } else if (!found->IsOfType<bool>()) {
      // --name value
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat(arg, " needs a value: ", arg, "=..."));
      }
      ++i;
      if (absl::Status valid =
              CheckValue(*found, args[i], absl::StrCat(arg, " ", args[i]));
          !valid.ok()) {
        return valid;
      }
    }
  }
  return scan;
}

std::string DescribeFlagsOf(absl::string_view file) {
  std::map<std::string, const absl::CommandLineFlag*> flags;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (flag->Filename() == file) flags[std::string(name)] = flag;
  }
  std::string out;
  for (const auto& [name, flag] : flags) {
    std::string default_value = flag->DefaultValue();
    if (flag->IsOfType<std::string>()) {
      default_value = absl::StrCat("\"", default_value, "\"");
    }
    AppendWrapped(absl::StrCat("--", name, " (default ", default_value, ")"), 2,
                  &out);
    AppendWrapped(flag->Help(), 6, &out);
  }
  return out;
}

}  // namespace forkcheck
