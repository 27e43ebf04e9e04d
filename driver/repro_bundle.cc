#include "driver/repro_bundle.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "driver/program_copy.h"
#include "forkcheck/testee.pb.h"
#include "forkcheck/worker.pb.h"
#include "google/protobuf/text_format.h"
#include "matrix/matrix_table.h"
#include "matrix/verdict.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/testee.h"
#include "supervisor/trial_evidence.h"

namespace forkcheck {
namespace {

namespace fs = std::filesystem;

// run.sh's temporary directory in kRunScriptStem.
constexpr char kPlaceholderDir[] = "@RUN_TMP@";

// `text` as one word of a POSIX shell, taken literally.
std::string ShellQuote(const std::string& text) {
  return absl::StrCat("'", absl::StrReplaceAll(text, {{"'", "'\\''"}}), "'");
}

// `text` as one double-quoted word in which run.sh's placeholders become
// its values (the temporary directory, its server's address) and nothing
// else is expanded.
std::string QuoteForScript(const std::string& text) {
  const std::string escaped = absl::StrReplaceAll(
      text, {{"\\", "\\\\"}, {"\"", "\\\""}, {"$", "\\$"}, {"`", "\\`"}});
  return absl::StrCat(
      "\"",
      absl::StrReplaceAll(escaped, {{kPlaceholderDir, "$tmp"},
                                    {kRunScriptAddress, "$address"}}),
      "\"");
}

// The trial's environment as run.sh gives it: without the variables that
// name the harness's runfiles tree (the copied programs use their own).
std::vector<std::string> BundledEnvironment(const TrialCommand& command) {
  std::vector<std::string> env;
  for (const std::string& entry : command.env) {
    if (!IsRunfilesVariable(entry)) env.push_back(entry);
  }
  return env;
}

std::string Basename(const std::string& path) {
  return fs::path(path).filename().string();
}

// The request framed on a testee's standard input; nullopt if it is not
// one.
std::optional<v1::TesteeRequest> FramedRequest(const std::string& framed) {
  if (framed.size() < 4) return std::nullopt;
  uint32_t length = 0;
  for (int i = 3; i >= 0; --i) {
    length = (length << 8) | static_cast<unsigned char>(framed[i]);
  }
  v1::TesteeRequest request;
  if (length != framed.size() - 4 ||
      !request.ParseFromString(framed.substr(4))) {
    return std::nullopt;
  }
  return request;
}

// The request framed on a testee's standard input, readable; or why not.
std::string RequestAsText(const std::string& framed) {
  if (framed.size() < 4) return "(no request)\n";
  const std::optional<v1::TesteeRequest> request = FramedRequest(framed);
  if (!request.has_value()) return "(not a framed TesteeRequest)\n";
  std::string text;
  google::protobuf::TextFormat::PrintToString(*request, &text);
  return text;
}

std::string Seconds(std::chrono::milliseconds duration) {
  return absl::StrFormat("%.3f", duration.count() / 1000.0);
}

// How run.sh names the copy of the program at `path` in bin/.
std::string CopiedProgram(const std::string& path) {
  return absl::StrCat("\"$here/bin/", Basename(path), "\"");
}

// Reads the frames of a report file or of a request (4-byte little-endian
// length, then a protobuf message) without the generated code, so run.sh
// needs nothing but python3: it re-targets the harness's request at the
// script's own server, and says which messages each report file got.
constexpr char kFramesPy[] = R"PY(#!/usr/bin/env python3
"""Frames of forkcheck's pipes and trial requests (framing/ in forkcheck).

  frames.py retarget REQUEST TARGET   the request with its trial's target
                                      replaced, framed, on stdout
  frames.py summary FILE...           which messages each report file holds
  frames.py crashes PARENT_REPORT     "SIGSEGV in worker N" for the first
                                      worker the parent saw killed by a
                                      signal, if any
  frames.py undelivered WORKER_REPORT...
                                      "worker N sent no result" or "worker
                                      N: error (UNAVAILABLE: ...)" for the
                                      first worker whose report holds no OK
                                      result, if any
"""
import signal
import struct
import sys

TRIAL_FIELD = @TRIAL_FIELD@     # TesteeRequest.trial
TARGET_FIELD = @TARGET_FIELD@    # TrialRequest.target
STATUS_CODE_FIELD = @STATUS_CODE_FIELD@   # WorkerResult.status_code
STATUS_MESSAGE_FIELD = @STATUS_MESSAGE_FIELD@  # WorkerResult.status_message
STATUS_NAMES = (@STATUS_NAMES@)  # the harness's names of status codes
NAMES = {@PHASE_FIELD@: "phase", @RESULT_FIELD@: "result",
         @EXIT_FIELD@: "worker_exit", @CHECK_FIELD@: "parent_check",
         @FACTS_FIELD@: "parent_facts", @REFUSED_FIELD@: "refused"}


def varint(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def encode_varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def fields(message):
    """(number, wire type, payload: a varint's value or a length-delimited
    field's bytes, raw bytes)."""
    i = 0
    while i < len(message):
        start = i
        key, i = varint(message, i)
        number, wire = key >> 3, key & 7
        payload = None
        if wire == 0:
            payload, i = varint(message, i)
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        elif wire == 2:
            length, i = varint(message, i)
            payload = message[i:i + length]
            i += length
        else:
            raise ValueError("wire type %d" % wire)
        yield number, wire, payload, message[start:i]


def replace_field(message, number, new_payload_of):
    out = bytearray()
    for field, wire, payload, raw in fields(message):
        if field == number and wire == 2:
            payload = new_payload_of(payload)
            raw = encode_varint(number << 3 | 2) + encode_varint(
                len(payload)) + payload
        out += raw
    return bytes(out)


def frames(data):
    i = 0
    while i + 4 <= len(data):
        (length,) = struct.unpack("<I", data[i:i + 4])
        if i + 4 + length > len(data):
            return  # cut short by the watchdog's kill
        yield data[i + 4:i + 4 + length]
        i += 4 + length


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "retarget":
        with open(sys.argv[2], "rb") as f:
            request = next(frames(f.read()))
        target = sys.argv[3].encode()
        request = replace_field(
            request, TRIAL_FIELD,
            lambda trial: replace_field(trial, TARGET_FIELD,
                                        lambda _: target))
        sys.stdout.buffer.write(struct.pack("<I", len(request)) + request)
    elif len(sys.argv) == 3 and sys.argv[1] == "crashes":
        with open(sys.argv[2], "rb") as f:
            messages = list(frames(f.read()))
        for message in messages:
            for number, _, payload, _ in fields(message):
                if NAMES.get(number) != "worker_exit":
                    continue
                exit_fields = {n: v for n, _, v, _ in fields(payload)}
                status = exit_fields.get(2, 0)
                if 0 < status & 0x7F < 0x7F:  # WIFSIGNALED
                    try:
                        name = signal.Signals(status & 0x7F).name
                    except ValueError:
                        name = "signal %d" % (status & 0x7F)
                    print("%s in worker %d" % (name, exit_fields.get(1, 0)))
                    return
    elif len(sys.argv) >= 3 and sys.argv[1] == "undelivered":
        for path in sys.argv[2:]:
            with open(path, "rb") as f:
                messages = list(frames(f.read()))
            worker = path.rsplit("/", 1)[-1][len("worker"):-len(".report")]
            results = [payload for message in messages
                       for number, _, payload, _ in fields(message)
                       if NAMES.get(number) == "result"]
            if not results:
                print("worker %s sent no result" % worker)
                return
            result = {n: v for n, _, v, _ in fields(results[-1])}
            code = result.get(STATUS_CODE_FIELD, 0)
            if code:
                name = (STATUS_NAMES[code] if code < len(STATUS_NAMES) else
                        "code %d" % code)
                print("worker %s: error (%s: %s)" % (
                    worker, name, result.get(STATUS_MESSAGE_FIELD,
                                             b"").decode(errors="replace")))
                return
    elif len(sys.argv) >= 3 and sys.argv[1] == "summary":
        for path in sys.argv[2:]:
            with open(path, "rb") as f:
                messages = list(frames(f.read()))
            seen = []
            for message in messages:
                for number, _, payload, _ in fields(message):
                    name = NAMES.get(number)
                    if name == "refused":  # TrialRefused.reason is field 1
                        reason = {n: v for n, _, v, _ in fields(payload)}.get(1, b"")
                        name = "refused: " + reason.decode(errors="replace")
                    if name and name not in seen:
                        seen.append(name)
            name = path.rsplit("/", 1)[-1]
            missing = name.startswith("worker") and "result" not in seen
            print("%s: %d frames (%s)%s" % (
                name, len(messages), ", ".join(seen) or "nothing",
                "; no result" if missing else ""))
    else:
        sys.exit(__doc__)


main()
)PY";

constexpr char kRunSh[] = R"SH(#!/usr/bin/env bash
# Reproduces one forkcheck matrix cell without the harness:
#   @KEY@
# It starts the fake server, runs the trial program once with the argv,
# environment and standard input the harness gave it, under the harness's
# watchdog, kills whatever is left of both, and prints one line
# "outcome: ...". A write trial's table is then read back as the harness
# reads it, before the server goes. Exit status: 0 once the trial ran (the
# outcome line is the result), 2 if this script could not set it up.
#
# Usage: bash run.sh     (each run's files go to runs/<UTC time>-<pid>/ here)
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# FORKCHECK_WATCHDOG_MS=... bash run.sh gives the trial longer: the harness
# also waits longer for a trial whose threads waited for a CPU, this cannot.
WATCHDOG_MS=${FORKCHECK_WATCHDOG_MS:-@WATCHDOG_MS@}
WORKERS=@WORKERS@
SERVER="$here/bin/@SERVER@"

die() { echo "run.sh: $*" >&2; exit 2; }
case "$WATCHDOG_MS" in
  '' | *[!0-9]* | 0* | ???????????*)
    die "FORKCHECK_WATCHDOG_MS must be a whole number of milliseconds from 1 to 9999999999, not \"$WATCHDOG_MS\"" ;;
esac
watchdog_s=$(printf '%d.%03d' $((WATCHDOG_MS / 1000)) $((WATCHDOG_MS % 1000)))
for tool in timeout python3 mktemp; do
  command -v "$tool" >/dev/null || die "needs $tool"
done

# Under $TMPDIR, as the harness does, unless it is too long for the fake's
# Unix socket (107 bytes for a path).
tmp_root=/tmp
case "${TMPDIR:-}" in /*) [ "${#TMPDIR}" -le 60 ] && tmp_root=${TMPDIR%/} ;; esac
tmp=$(mktemp -d "$tmp_root/forkcheck-repro-XXXXXX") || die "mktemp failed"
run="$here/runs/$(date -u +%Y%m%dT%H%M%SZ)-$$"
server_pid=""
trial_pid=""
# Nothing outlives the script: the trial's process group, then the server.
cleanup() {
  if [ -n "$trial_pid" ]; then
    kill -KILL -- "-$trial_pid" "$trial_pid" 2>/dev/null
  fi
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 50); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$run" || die "cannot create $run"

# The fake server as the harness's server pool starts it (server_command.txt),
# with its files in this script's temporary directory.
cp "$here/faults.json" @FAULTS_PATH@ || die "cannot copy faults.json"
"$SERVER" @SERVER_FLAGS@ >"$tmp/server.out" 2>"$run/server.stderr" &
server_pid=$!
# Ready once it prints the address it bound, its first line; the harness
# waits up to 15 s too.
address=""
for _ in $(seq 300); do
  if [ "$(wc -l <"$tmp/server.out")" -ge 1 ]; then
    address=$(head -n 1 "$tmp/server.out")
    break
  fi
  kill -0 "$server_pid" 2>/dev/null ||
    die "the fake server exited before it was ready: $(cat "$run/server.stderr")"
  sleep 0.05
done
[ -n "$address" ] || die "the fake server printed no address within 15 s"

# The harness's request (request.bin), aimed at this server.
python3 "$here/frames.py" retarget "$here/request.bin" "$address" \
  >"$run/request.bin" || die "cannot re-target request.bin"
echo "run.sh: fake server at $address; the trial: $WORKERS worker(s), watchdog $WATCHDOG_MS ms; files in $run"

# The trial in a process group of its own (timeout makes one), its report
# pipes as files: the parent's on fd 3, worker i's on fd 4+i. The copied
# programs find their runfiles beside themselves, not in a caller's.
start=$(date +%s%N)
env -u RUNFILES_DIR -u RUNFILES_MANIFEST_FILE @ENV@ \
  FORKCHECK_REPORT_FDS=@REPORT_FDS@ FORKCHECK_TRIAL_TOKEN=repro-$$ \
  timeout -k 1 "$watchdog_s" @ARGV@ \
  <"$run/request.bin" @REDIRECTS@ 2>"$run/trial.stderr" &
trial_pid=$!
wait "$trial_pid"
status=$?
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
if [ "$status" -eq 124 ]; then
  outcome="hang (no exit within $WATCHDOG_MS ms)"
elif [ "$status" -gt 128 ] && [ "$status" -lt 192 ]; then
  if [ "$elapsed_ms" -ge "$WATCHDOG_MS" ]; then  # timeout's own SIGKILL
    outcome="hang (no exit within $WATCHDOG_MS ms)"
  else
    outcome="crash (SIG$(kill -l $((status - 128))))"
  fi
else
  # As the harness's watchdog: every process of the trial must be gone too.
  while kill -0 -- "-$trial_pid" 2>/dev/null &&
    [ $((($(date +%s%N) - start) / 1000000)) -lt "$WATCHDOG_MS" ]; do
    sleep 0.02
  done
  # A worker process the parent saw die of a signal (its WorkerExit).
  crashed=$(python3 "$here/frames.py" crashes "$run/parent.report")
  if kill -0 -- "-$trial_pid" 2>/dev/null; then
    outcome="hang (exited $status, but a process of the trial was alive after $WATCHDOG_MS ms)"
  elif [ -n "$crashed" ]; then
    outcome="crash ($crashed; the trial program exited $status)"
  else
    outcome="exited $status"
  fi
fi
kill -KILL -- "-$trial_pid" 2>/dev/null
trial_pid=""
@READ_BACK@echo "outcome: $outcome"
python3 "$here/frames.py" summary "$run"/parent.report "$run"/worker*.report |
  sed 's/^/  /'
exit 0
)SH";

// run.sh's part for a write cell, after the trial: once it looks ok (exited
// 0, every worker an OK result), its table read back by bin/read_table with
// the harness's flags and bound, and judged by the harness's rules in its
// words (bin/judge_table_read_back). The harness judges a trial whose worker
// failed by that worker; a shell cannot, so run.sh leaves such a table unread.
constexpr char kReadBackSh[] =
    R"SH(# The table the trial wrote (request.bin's), read back as the harness reads
# it (matrix/table_read_back.h): its rows, not the writers' word, judge them.
if [ "$outcome" = "exited 0" ]; then
  undelivered=$(python3 "$here/frames.py" undelivered "$run"/worker*.report)
  if [ -n "$undelivered" ]; then
    outcome="exited 0 (table not read back: $undelivered)"
  else
    timeout -k 1 @READ_BACK_S@ @READ_BACK_ARGV@ \
      >"$run/read_back.json" 2>"$run/read_table.stderr"
    read_status=$?
    if [ "$read_status" -eq 124 ] || [ "$read_status" -eq 137 ]; then
      judged="read_table did not finish within @READ_BACK_MS@ ms"
      judge_status=3
    else
      judged=$(@JUDGE@ "$read_status" "$run/read_back.json")
      judge_status=$?
    fi
    case "$judge_status" in
      0) if [ -n "$judged" ]; then
           outcome="wrong_data ($judged)"
         else
           outcome="exited 0, table read back: @ROWS@ rows, each once"
         fi ;;
      3) outcome="exited 0 (table not judged: $judged)" ;;
      *) die "judge_table_read_back failed ($judge_status)" ;;
    esac
  fi
fi
)SH";

std::string FramesScript() {
  // As the harness names them (absl's names are gRPC's, by code).
  std::vector<std::string> status_names;
  for (int code = 0;
       code <= static_cast<int>(absl::StatusCode::kUnauthenticated); ++code) {
    status_names.push_back(absl::StrCat(
        "\"", absl::StatusCodeToString(static_cast<absl::StatusCode>(code)),
        "\""));
  }
  return absl::StrReplaceAll(
      kFramesPy,
      {{"@STATUS_NAMES@", absl::StrJoin(status_names, ", ")},
       {"@TRIAL_FIELD@", absl::StrCat(v1::TesteeRequest::kTrialFieldNumber)},
       {"@TARGET_FIELD@", absl::StrCat(v1::TrialRequest::kTargetFieldNumber)},
       {"@STATUS_CODE_FIELD@",
        absl::StrCat(v1::WorkerResult::kStatusCodeFieldNumber)},
       {"@STATUS_MESSAGE_FIELD@",
        absl::StrCat(v1::WorkerResult::kStatusMessageFieldNumber)},
       {"@PHASE_FIELD@", absl::StrCat(v1::WorkerMessage::kPhaseFieldNumber)},
       {"@RESULT_FIELD@", absl::StrCat(v1::WorkerMessage::kResultFieldNumber)},
       {"@FACTS_FIELD@",
        absl::StrCat(v1::WorkerMessage::kParentFactsFieldNumber)},
       {"@EXIT_FIELD@",
        absl::StrCat(v1::WorkerMessage::kWorkerExitFieldNumber)},
       {"@CHECK_FIELD@",
        absl::StrCat(v1::WorkerMessage::kParentCheckFieldNumber)},
       {"@REFUSED_FIELD@",
        absl::StrCat(v1::WorkerMessage::kRefusedFieldNumber)}});
}

absl::Status WriteText(const fs::path& directory, const std::string& name,
                       const std::string& text) {
  return WriteFileAtomically((directory / name).string(), text);
}

// A write cell's bundle reads back the table its recorded request writes
// (each run of run.sh has a server of its own, where that table starts
// empty); a read cell's reads none.
absl::Status CheckReadBack(const ReproBundle& bundle) {
  const bool writes = bundle.cell.axes.workload == kWriteWorkload;
  if (writes != bundle.read_back.has_value()) {
    return absl::InvalidArgumentError(
        writes ? "a write cell's bundle needs its table's read-back"
               : "a read cell's bundle reads no table back");
  }
  if (!writes) return absl::OkStatus();
  if (bundle.table_judge_binary.empty()) {
    return absl::InvalidArgumentError(
        "a write cell's bundle needs judge_table_read_back");
  }
  const std::optional<v1::TesteeRequest> request =
      FramedRequest(bundle.command.stdin_bytes);
  if (!request.has_value() || !request->has_trial()) {
    return absl::InvalidArgumentError(
        "a write cell's standard input is not a framed trial request");
  }
  if (request->trial().table() != bundle.read_back->table) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the read-back's table ", bundle.read_back->table,
        " is not the one the request writes, ", request->trial().table()));
  }
  return absl::OkStatus();
}

// kReadBackSh for `bundle`'s read-back, or nothing (a read cell's).
std::string ReadBackScriptPart(const ReproBundle& bundle) {
  const std::optional<TableReadBackCommand>& read_back = bundle.read_back;
  if (!read_back.has_value()) return "";
  std::vector<std::string> argv = {CopiedProgram(read_back->argv.at(0))};
  for (size_t i = 1; i < read_back->argv.size(); ++i) {
    argv.push_back(QuoteForScript(read_back->argv[i]));
  }
  return absl::StrReplaceAll(
      kReadBackSh, {{"@READ_BACK_S@", Seconds(read_back->bound)},
                    {"@READ_BACK_MS@", absl::StrCat(read_back->bound.count())},
                    {"@READ_BACK_ARGV@", absl::StrJoin(argv, " ")},
                    {"@ROWS@", absl::StrCat(read_back->rows)},
                    {"@JUDGE@", CopiedProgram(bundle.table_judge_binary)}});
}

}  // namespace

std::string RunScript(const ReproBundle& bundle) {
  const TrialCommand& command = bundle.command;
  // env(1) takes its -u options before any NAME=VALUE: after one, the
  // next word is the command.
  std::vector<std::string> unset;
  std::vector<std::string> set;
  for (const std::string& entry : BundledEnvironment(command)) {
    if (entry.find('=') == std::string::npos) {
      unset.push_back(absl::StrCat("-u ", ShellQuote(entry)));
    } else {
      set.push_back(ShellQuote(entry));
    }
  }
  std::vector<std::string> env = unset;
  env.insert(env.end(), set.begin(), set.end());
  std::vector<std::string> argv = {CopiedProgram(command.argv[0])};
  for (size_t i = 1; i < command.argv.size(); ++i) {
    argv.push_back(ShellQuote(command.argv[i]));
  }
  std::vector<std::string> fds = {"3"};
  std::vector<std::string> redirects = {"3>\"$run/parent.report\""};
  for (int i = 0; i < command.workers; ++i) {
    fds.push_back(absl::StrCat(4 + i));
    redirects.push_back(absl::StrCat(4 + i, ">\"$run/worker", i, ".report\""));
  }
  std::vector<std::string> server_flags;
  for (const std::string& flag : bundle.script_server.flags) {
    server_flags.push_back(QuoteForScript(flag));
  }
  return absl::StrReplaceAll(
      kRunSh,
      {{"@KEY@", bundle.key},
       {"@WATCHDOG_MS@", absl::StrCat(command.watchdog.count())},
       {"@WORKERS@", absl::StrCat(command.workers)},
       {"@SERVER@", Basename(bundle.server_binary)},
       {"@FAULTS_PATH@", QuoteForScript(bundle.script_server.faults_path)},
       {"@SERVER_FLAGS@", absl::StrJoin(server_flags, " ")},
       {"@ENV@", absl::StrJoin(env, " ")},
       {"@REPORT_FDS@", absl::StrJoin(fds, ",")},
       {"@ARGV@", absl::StrJoin(argv, " ")},
       {"@REDIRECTS@", absl::StrJoin(redirects, " ")},
       {"@READ_BACK@", ReadBackScriptPart(bundle)}});
}

absl::Status WriteReproFiles(const ReproBundle& bundle,
                             const std::string& directory) {
  if (absl::Status checked = CheckReadBack(bundle); !checked.ok()) {
    return checked;
  }
  const fs::path dir(directory);
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_empty(dir, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(directory, " exists and is not empty"));
  }
  fs::create_directories(dir / "bin", error);
  if (error) {
    return absl::InternalError(
        absl::StrCat("creating ", directory, ": ", error.message()));
  }
  const TrialCommand& command = bundle.command;
  if (command.argv.empty()) return absl::InvalidArgumentError("no argv");
  std::string server_command = bundle.server_binary;
  for (const std::string& flag : bundle.server.flags) {
    absl::StrAppend(&server_command, " ", ShellQuote(flag));
  }
  const std::vector<std::string> env = BundledEnvironment(command);
  const std::pair<const char*, std::string> files[] = {
      {"argv.txt", absl::StrCat(absl::StrJoin(command.argv, "\n"), "\n")},
      {"env.txt", env.empty() ? std::string()
                              : absl::StrCat(absl::StrJoin(env, "\n"), "\n")},
      {"request.bin", command.stdin_bytes},
      {"request.txt", RequestAsText(command.stdin_bytes)},
      {"server_command.txt", absl::StrCat(server_command, "\n")},
      {"faults.json", bundle.server.faults_json},
      {"frames.py", FramesScript()},
      {"run.sh", RunScript(bundle)},
  };
  std::vector<std::string> programs = {command.argv[0], bundle.server_binary};
  if (bundle.read_back.has_value()) {
    programs.push_back(bundle.read_back->argv.at(0));
    programs.push_back(bundle.table_judge_binary);
  }
  for (const auto& [name, text] : files) {
    if (absl::Status written = WriteText(dir, name, text); !written.ok()) {
      return written;
    }
  }
  fs::permissions(dir / "run.sh", fs::perms::owner_exec | fs::perms::group_exec,
                  fs::perm_options::add, error);
  for (const std::string& program : programs) {
    if (absl::Status copied = CopyProgram(program, dir / "bin"); !copied.ok()) {
      return copied;
    }
  }
  return absl::OkStatus();
}

std::string DescribeTrialSample(int index, int total,
                                const TrialSample& sample) {
  std::string text = absl::StrCat("trial ", index, "/", total, ": ");
  if (!sample.harness_error.empty() && sample.worker_details.empty()) {
    return absl::StrCat(text, "not run (harness error: ", sample.harness_error,
                        ")\n");
  }
  absl::StrAppend(&text, "workers ", OutcomeKindName(sample.workers));
  if (sample.parent_after.has_value()) {
    absl::StrAppend(&text, ", parent after ",
                    OutcomeKindName(*sample.parent_after));
  }
  absl::StrAppend(&text, " (",
                  absl::StrFormat("%.1f s", sample.wall_micros / 1e6),
                  sample.watchdog_fired ? ", watchdog fired" : "", ", ",
                  sample.rows, " rows verified)\n");
  for (size_t i = 0; i < sample.worker_details.size(); ++i) {
    absl::StrAppend(&text, "  worker ", i, ": ", sample.worker_details[i]);
    if (i < sample.worker_first_failure.size() &&
        !sample.worker_first_failure[i].empty() &&
        sample.worker_details[i] == "ok") {
      absl::StrAppend(&text, " (first failure retried: ",
                      sample.worker_first_failure[i], ")");
    }
    absl::StrAppend(&text, "\n");
  }
  if (sample.parent_after.has_value()) {
    absl::StrAppend(&text, "  parent after: ", sample.parent_detail, "\n");
  }
  if (!sample.harness_error.empty()) {
    absl::StrAppend(&text, "  harness error: ", sample.harness_error, "\n");
  }
  absl::StrAppend(&text, DescribeEvidence(sample.evidence, 3, "  "));
  return text;
}

absl::Status WriteReproEvidence(const std::vector<TrialSample>& samples,
                                const std::string& directory) {
  std::error_code error;
  fs::create_directories(fs::path(directory) / "evidence", error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot make ", directory,
                                            "/evidence: ", error.message()));
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    for (const ProcessEvidence& evidence : samples[i].evidence) {
      std::string process = evidence.process;
      std::replace(process.begin(), process.end(), ' ', '-');
      const std::string stem =
          absl::StrCat("evidence/trial-", i + 1, "-", process);
      if (!evidence.stacks.empty()) {
        if (absl::Status written = WriteText(
                directory, stem + ".stacks.txt",
                absl::StrCat(evidence.signature, "\n\n", evidence.stacks));
            !written.ok()) {
          return written;
        }
      }
      if (!evidence.stderr_tail.empty()) {
        if (absl::Status written = WriteText(directory, stem + ".stderr.txt",
                                             evidence.stderr_tail);
            !written.ok()) {
          return written;
        }
      }
    }
  }
  return absl::OkStatus();
}

std::string DescribeTrialCounts(const std::vector<TrialSample>& samples) {
  CellResult result;
  result.samples = samples;
  const VerdictRule rule;
  std::string text = absl::StrCat(
      samples.size(), " trial", samples.size() == 1 ? "" : "s",
      ": workers: ", DescribeCellPart(result.WorkerCounts(), rule));
  const OutcomeCounts parent = result.ParentCounts();
  if (parent.total() > 0) {
    absl::StrAppend(&text, "; parent after: ", DescribeCellPart(parent, rule));
  }
  for (const auto& [signature, trials] : result.SignatureCounts()) {
    absl::StrAppend(&text, "\n  ", trials, "/", samples.size(),
                    " trials: ", signature);
  }
  return text;
}

std::string ReproDirectoryName(const Cell& cell, absl::Time now) {
  std::string name = cell.model_name;
  const std::vector<std::pair<std::string, std::string>> values =
      AxisValues(cell.axes);
  const std::vector<std::pair<std::string, std::string>> defaults =
      AxisValues(Axes{});
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].second != defaults[i].second) {
      absl::StrAppend(&name, "-", values[i].first, "=", values[i].second);
    }
  }
  std::string safe;
  for (char c : name) {
    const bool kept = absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
                      c == '.' || c == '_' || c == '=' || c == '-';
    if (kept) {
      safe.push_back(c);
    } else if (!safe.empty() && safe.back() != '_') {
      safe.push_back('_');
    }
  }
  while (!safe.empty() && safe.back() == '_') safe.pop_back();
  if (safe.size() > 100) safe.resize(100);
  return absl::StrCat(
      safe, "-", absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone()));
}

namespace {

// What run.sh does after a write cell's trial, for README.md; "" for a read
// cell.
std::string ReadBackParagraph(const ReproBundle& bundle) {
  if (!bundle.read_back.has_value()) return "";
  const TableReadBackCommand& read_back = *bundle.read_back;
  std::vector<std::string> argv = {
      absl::StrCat("bin/", Basename(read_back.argv.at(0)))};
  for (size_t i = 1; i < read_back.argv.size(); ++i) {
    argv.push_back(absl::StrReplaceAll(read_back.argv[i],
                                       {{kRunScriptAddress, "ADDRESS"}}));
  }
  const std::optional<v1::TesteeRequest> request =
      FramedRequest(bundle.command.stdin_bytes);
  const std::string parent_table =
      request.has_value() ? request->trial().parent_write_table() : "";
  return absl::StrCat(
      "A write cell: the trial's workers write rows [0, ", read_back.rows,
      ") to `", read_back.table, "` (the table `request.bin` names; each run ",
      "of run.sh starts a server of its own, where it is empty). Once the ",
      "trial exited 0 and every worker's report holds an OK result, run.sh ",
      "reads that table back from its server as the harness does, with the ",
      "harness's flags and bound: `", absl::StrJoin(argv, " "),
      "`, killed after ", read_back.bound.count(), " ms. It judges what the ",
      "table holds by the harness's rules and in its words ",
      "(`bin/judge_table_read_back`, built from them): `outcome: ",
      "exited 0, table read back: ", read_back.rows, " rows, each once`, or ",
      "`outcome: wrong_data (table read back: 12 rows missing, 3 ",
      "duplicated)`. A table it could not read judges nothing (`outcome: ",
      "exited 0 (table not judged: why)`), and after a worker without an OK ",
      "result it is not read (`outcome: exited 0 (table not read back: ",
      "worker 1 sent no result)`): the harness judges such a trial by that ",
      "worker. The account read_table printed is kept in the run's ",
      "`read_back.json`. The parent's own writes",
      parent_table.empty() ? "" : absl::StrCat(" (`", parent_table, "`)"),
      " are not read back, by the harness either.\n\n");
}

}  // namespace

absl::Status WriteReproReadme(const ReproBundle& bundle,
                              const std::vector<TrialSample>& samples,
                              const std::string& directory) {
  const TrialCommand& command = bundle.command;
  std::string trials;
  for (size_t i = 0; i < samples.size(); ++i) {
    absl::StrAppend(&trials,
                    DescribeTrialSample(i + 1, samples.size(), samples[i]));
  }
  std::string text = absl::StrCat(
      "# Reproduction of one forkcheck cell\n\n", "Cell: `", bundle.key,
      "`\n\n", "Client: ", bundle.cell.client, ": ", bundle.versions, "\n\n",
      "Made ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", bundle.made, absl::UTCTimeZone()),
      " by `", bundle.repro_command, "`.\n\n", "## What was seen\n\n",
      DescribeTrialCounts(samples), "\n\n```\n", trials, "```\n\n",
      "## How to run it\n\n", "Without the harness (needs bash, coreutils' ",
      "`timeout` and python3):\n\n", "```sh\nbash run.sh\n```\n\n",
      "It starts the fake server (", bundle.cell.axes.transport,
      "), waits for it, runs the trial program once as the harness did, ",
      "with ", command.workers, " workers under a ", command.watchdog.count(),
      " ms watchdog (`FORKCHECK_WATCHDOG_MS=20000 bash run.sh` gives it ",
      "longer, e.g. on a loaded machine: the harness's watchdog also waits ",
      "longer for a trial whose threads waited for a CPU, run.sh cannot), ",
      "kills the trial's process group and the server, and ",
      "prints `outcome: hang (no exit within N ms)`, `outcome: crash ",
      "(SIGSEGV)`, `outcome: exited 0` and so on, then which messages each ",
      "report file got (a worker with no `result` did not finish). It exits ",
      "0 once the trial ran, 2 if it could not set it up. Each run keeps its ",
      "report files, the trial's and the server's stderr in ",
      "`runs/<UTC time>-<pid>/`.\n\n", ReadBackParagraph(bundle),
      "A shell sees less than the harness, which ",
      "reads every report pipe as it goes and classifies each worker: for ",
      "those words, run it with the harness:\n\n", "```sh\n",
      bundle.repro_command, "\n```\n\n", "## Files\n\n",
      "- `argv.txt`: the trial program's command line as the harness ran it, ",
      "one argument a line (run.sh runs the copy in `bin/`).\n",
      "- `env.txt`: the environment entries the harness added, one a line ",
      "(a bare NAME is removed from the environment); the harness also sets ",
      "`FORKCHECK_REPORT_FDS` (fd 3 the parent's report pipe, 4 + i worker ",
      "i's) and `FORKCHECK_TRIAL_TOKEN`.\n",
      "- `request.bin`: the trial's standard input, byte for byte (a framed ",
      "`TesteeRequest`, protos/forkcheck/testee.proto); `request.txt` the ",
      "same, readable. Its target was the harness's server, `", bundle.target,
      "`; run.sh aims it at its own (`frames.py retarget`).\n",
      "- `server_command.txt`, `faults.json`: the fake server's command line ",
      "and its fault script, as the matrix's server pool made them (the ",
      "server serves its built-in default catalogue).\n",
      "- `bin/`: copies of the programs (", Basename(command.argv[0]), ", ",
      Basename(bundle.server_binary),
      bundle.read_back.has_value()
          ? absl::StrCat(", ", Basename(bundle.read_back->argv.at(0)), ", ",
                         Basename(bundle.table_judge_binary))
          : "",
      "), built by `bazel build ", absl::StrJoin(bundle.build_targets, " "),
      "` (`./forkcheck repro` builds them with `--config=bench`, as ",
      "`./forkcheck run` does); they load the system's gRPC libraries.\n",
      "- `frames.py`: reads the frames of requests and report files.\n",
      "- `evidence/`: for each failed trial above, each process's stacks ",
      "(`trial-N-worker-0.stacks.txt`: its signature, then every thread, ",
      "innermost frame first) and its standard error ",
      "(`trial-N-worker-0.stderr.txt`), as the harness captured them.\n");
  return WriteText(directory, "README.md", text);
}

}  // namespace forkcheck
