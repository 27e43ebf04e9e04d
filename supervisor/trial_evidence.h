// What explains a failed trial, per process, from its record: the stacks
// the supervisor captured (trial_runner.h), a testee's own stack dump in its
// standard error (Python's faulthandler), and the stderr itself, bounded for
// a report. One place turns a record into evidence, for the matrix, the
// reproducer and the benchmarks.
#ifndef FORKCHECK_SUPERVISOR_TRIAL_EVIDENCE_H_
#define FORKCHECK_SUPERVISOR_TRIAL_EVIDENCE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "diagnosis/stack_trace.h"
#include "supervisor/outcome_classifier.h"
#include "supervisor/trial_runner.h"

namespace forkcheck {

inline constexpr size_t kEvidenceStacksBytes = 4096;
inline constexpr size_t kEvidenceStderrBytes = 4096;

// What explains one process of a failed trial: its stacks (captured before
// a hung trial was killed, or read from a core) and its standard error.
struct ProcessEvidence {
  std::string process;  // "parent", "worker 0", "process 1234"
  // Its stack's signature (diagnosis/stack_signature.h), e.g.
  // "grpc_pollset_work ← grpc::CompletionQueue::Next ← ..."; "" without.
  std::string signature;
  std::string stacks_source;  // as ProcessStacks::source
  std::string signal;         // a core's: "SIGSEGV"; fault_address "0x0"
  std::string fault_address;
  // Every thread's frames, one line a thread (at most kEvidenceStacksBytes),
  // and the last kEvidenceStderrBytes of its standard error.
  std::string stacks;
  std::string stderr_tail;
  std::string capture_error;  // why its stacks could not be had; "" if not

  // Whether it has a signature, and whether that came from a core (the
  // process crashed) rather than from a live process.
  bool has_signature() const {
    return !signature.empty() && !stacks_source.empty();
  }
  bool from_core() const { return stacks_source == kCoreStacksSource; }
};

// Whether a trial needs explaining: a worker or the parent's check failed
// (anything but ok and ok_after_retry).
bool TrialFailed(const TrialOutcome& outcome);

// Per process with stacks or stderr, parent first, then workers, then other
// processes by pid; empty for a trial that did not fail. A crashed worker
// without a core carries the record's core_error as its capture_error.
std::vector<ProcessEvidence> EvidenceFromTrial(const TrialRecord& record,
                                               const TrialOutcome& outcome);

// The process whose signature best explains the trial: a worker that
// failed, else the first with one (the parent of a hung trial has stacks
// too, but usually only waits for its workers); null if none has one.
const ProcessEvidence* TellingSignature(
    const std::vector<ProcessEvidence>& evidence, const TrialOutcome& outcome);

// Evidence as lines of text, each starting with `indent`: per process its
// signature ("worker 0 stack (gdb core): SIGSEGV: Crash ← main at 0x0"),
// why its stacks could not be had, and the last `stderr_lines` non-empty
// lines of its stderr ("worker 0 stderr: ..."). What the reproducer prints
// per trial and a benchmark logs for a trial that failed.
std::string DescribeEvidence(const std::vector<ProcessEvidence>& evidence,
                             size_t stderr_lines, const std::string& indent);

}  // namespace forkcheck

#endif  // FORKCHECK_SUPERVISOR_TRIAL_EVIDENCE_H_
