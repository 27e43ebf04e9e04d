#include "supervisor/trial_evidence.h"

#include <map>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/utf8.h"
#include "diagnosis/stack_signature.h"
#include "diagnosis/stack_trace.h"

namespace forkcheck {
namespace {

// Frames a thread's line shows at most: the innermost, where it is stuck.
constexpr size_t kFramesPerThread = 12;

// Sorts parent, workers by index, then other processes by pid.
std::tuple<int, int, std::string> ProcessOrder(const std::string& process) {
  if (process == "parent") return {0, 0, ""};
  int number = 0;
  const size_t space = process.find(' ');
  if (space != std::string::npos) {
    for (char c : process.substr(space + 1)) {
      if (c < '0' || c > '9') break;
      number = number * 10 + (c - '0');
    }
  }
  return {process.rfind("worker", 0) == 0 ? 1 : 2, number, process};
}

// One line a thread, innermost frame first, cut at kEvidenceStacksBytes.
std::string CondensedStacks(const ProcessStacks& stacks) {
  std::string text;
  for (const ThreadStack& thread : stacks.threads) {
    std::vector<std::string> names;
    for (const StackFrame& frame : thread.frames) {
      if (names.size() == kFramesPerThread) {
        names.push_back("...");
        break;
      }
      names.push_back(frame.function);
    }
    std::string line = absl::StrCat(
        "thread ", thread.number, thread.name.empty() ? "" : " \"", thread.name,
        thread.name.empty() ? "" : "\"", ": ",
        names.empty() ? "(no frames)" : absl::StrJoin(names, " ← "), "\n");
    if (text.size() + line.size() > kEvidenceStacksBytes) {
      absl::StrAppend(&text, "(", stacks.threads.size(),
                      " threads; the rest cut)\n");
      break;
    }
    text += line;
  }
  return text;
}

// Fills `evidence` from `stacks` (a debugger's, or a testee's own dump).
void TakeStacks(const ProcessStacks& stacks, ProcessEvidence* evidence) {
  evidence->stacks_source = stacks.source;
  evidence->signal = stacks.signal;
  evidence->fault_address = stacks.fault_address;
  evidence->capture_error = stacks.error;
  if (!stacks.threads.empty()) {
    evidence->signature = ProcessSignature(stacks);
    evidence->stacks = CondensedStacks(stacks);
  }
}

std::string LastBytes(const std::string& text, size_t bytes) {
  return text.size() <= bytes ? text : text.substr(text.size() - bytes);
}

// The last `count` non-empty lines of `text`.
std::vector<std::string> LastLines(const std::string& text, size_t count) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StripAsciiWhitespace(line).empty()) lines.emplace_back(line);
  }
  if (lines.size() > count) lines.erase(lines.begin(), lines.end() - count);
  return lines;
}

}  // namespace

bool TrialFailed(const TrialOutcome& outcome) {
  for (const WorkerOutcome& worker : outcome.workers) {
    if (!Delivered(worker.kind)) return true;
  }
  return outcome.parent_after.has_value() &&
         !Delivered(outcome.parent_after->kind);
}

std::vector<ProcessEvidence> EvidenceFromTrial(const TrialRecord& record,
                                               const TrialOutcome& outcome) {
  if (!TrialFailed(outcome)) return {};
  std::map<std::tuple<int, int, std::string>, ProcessEvidence> by_process;
  auto evidence_of = [&by_process](const std::string& process) {
    ProcessEvidence& evidence = by_process[ProcessOrder(process)];
    evidence.process = process;
    return &evidence;
  };
  for (const ProcessStacks& stacks : record.stacks) {
    ProcessEvidence* evidence = evidence_of(ProcessRole(record, stacks.pid));
    // A debugger's stacks of a process that also dumped its own: the
    // dump's frames (an interpreter's) say more; see below.
    if (evidence->stacks_source.empty() || !stacks.threads.empty()) {
      TakeStacks(stacks, evidence);
    }
  }
  for (size_t i = 0; i <= record.workers.size(); ++i) {
    const TrialRecord::ProcessReport& report =
        i == 0 ? record.parent : record.workers[i - 1];
    if (report.stderr_tail.empty()) continue;
    ProcessEvidence* evidence =
        evidence_of(i == 0 ? "parent" : absl::StrCat("worker ", i - 1));
    evidence->stderr_tail = LastBytes(report.stderr_tail, kEvidenceStderrBytes);
    ProcessStacks dumped;
    dumped.source = "faulthandler";
    dumped.threads = ParsePythonFaulthandler(report.stderr_tail);
    dumped.signal = FaulthandlerFatalSignal(report.stderr_tail);
    if (!dumped.threads.empty()) {
      // Keep what a core said of the fault; the frames are the dump's.
      const std::string address = evidence->fault_address;
      TakeStacks(dumped, evidence);
      evidence->fault_address = address;
    }
  }
  if (!record.core_error.empty()) {
    for (size_t i = 0; i < outcome.workers.size(); ++i) {
      if (outcome.workers[i].kind != OutcomeKind::kCrash) continue;
      ProcessEvidence* evidence = evidence_of(absl::StrCat("worker ", i));
      if (evidence->signature.empty() && evidence->capture_error.empty()) {
        evidence->capture_error = absl::StrCat("no core: ", record.core_error);
      }
    }
  }
  std::vector<ProcessEvidence> evidence;
  for (auto& [order, process] : by_process) {
    // Processes write what they like; a report holds text.
    for (std::string* text :
         {&process.signature, &process.stacks, &process.stderr_tail,
          &process.capture_error, &process.signal, &process.fault_address}) {
      *text = ValidUtf8(*text);
    }
    evidence.push_back(std::move(process));
  }
  return evidence;
}

const ProcessEvidence* TellingSignature(
    const std::vector<ProcessEvidence>& evidence, const TrialOutcome& outcome) {
  const ProcessEvidence* telling = nullptr;
  for (const ProcessEvidence& process : evidence) {
    if (!process.has_signature()) continue;
    for (size_t i = 0; i < outcome.workers.size(); ++i) {
      if (!Delivered(outcome.workers[i].kind) &&
          process.process == absl::StrCat("worker ", i)) {
        return &process;
      }
    }
    if (telling == nullptr) telling = &process;
  }
  return telling;
}

std::string DescribeEvidence(const std::vector<ProcessEvidence>& evidence,
                             size_t stderr_lines, const std::string& indent) {
  std::string text;
  for (const ProcessEvidence& process : evidence) {
    if (!process.signature.empty()) {
      absl::StrAppend(&text, indent, process.process, " stack (",
                      process.stacks_source, "): ", process.signature,
                      process.fault_address.empty()
                          ? ""
                          : absl::StrCat(" at ", process.fault_address),
                      "\n");
    }
    if (!process.capture_error.empty()) {
      absl::StrAppend(&text, indent, process.process,
                      " stack not captured: ", process.capture_error, "\n");
    }
    for (const std::string& line :
         LastLines(process.stderr_tail, stderr_lines)) {
      absl::StrAppend(&text, indent, process.process, " stderr: ", line, "\n");
    }
  }
  return text;
}

}  // namespace forkcheck
