// Fault injection for the fake BigQuery Storage server.
//
// A fault rule names a target (a table, a session, a stream or the sessions of
// a parent project; empty means every stream), a kind, and the stream offset at
// which it fires. The ReadRows handler asks the injector, as it serves a
// stream, which fault comes next; a fault that fires is counted, so tests can
// check that the fault they scripted really happened. Rules for AppendRows (rpc
// kAppendRows) fire instead after a number of appends answered on one
// connection; their targets are a table, a write stream or a project.
#ifndef FORKCHECK_FAKES_FAULT_INJECTOR_H_
#define FORKCHECK_FAKES_FAULT_INJECTOR_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

enum class FaultKind {
  kUnavailable,        // ends ReadRows with UNAVAILABLE
  kRstStream,          // ends ReadRows with INTERNAL "... RST_STREAM ..."
  kResourceExhausted,  // ends ReadRows with RESOURCE_EXHAUSTED + RetryInfo
  kStall,              // sleeps `millis` before the next response
  kDelayPerResponse,   // sleeps `micros` before every response (a slowdown)
  kCorruptPayload,     // flips one byte of one response's row payload
  kAborted,            // AppendRows only: one append fails in-band, ABORTED
};
inline constexpr int kFaultKindCount = 7;

// "unavailable", "rst_stream", "resource_exhausted", "stall",
// "delay_per_response", "corrupt_payload", "aborted": the names fault scripts
// use.
absl::string_view FaultKindName(FaultKind kind);
std::optional<FaultKind> ParseFaultKind(absl::string_view name);

// The call a rule disturbs.
enum class FaultRpc {
  kReadRows,    // "read_rows": every kind but aborted, at a stream offset
  kAppendRows,  // "append_rows": unavailable, rst_stream, resource_exhausted
                // (end the call), aborted (one in-band error), stall (delays
                // one response), after a number of appends
};

struct FaultRule {
  FaultKind kind = FaultKind::kUnavailable;
  // A table, session or stream name; a stream matches if any of its three
  // names equals it. A parent project ("projects/p") matches every stream of
  // the sessions created under it. Empty matches every stream.
  std::string target;
  // Stream offset, in rows, at which the fault fires: a terminating fault ends
  // the call once exactly this many rows of the stream have been sent; a stall
  // or corruption hits the response that contains this offset.
  int64_t after_rows = 0;
  int64_t millis = 0;  // kStall: stall length; kResourceExhausted: RetryInfo
  int64_t micros = 0;  // kDelayPerResponse: delay before each response
  // How many times the rule may fire in all; -1 is unlimited.
  // kDelayPerResponse ignores it (it applies to every response).
  int max_fires = 1;
  // How many times it may fire on any one stream; -1 is unlimited. With 1,
  // every stream of every session fails once at after_rows and then reads
  // on when resumed, however many trials share the server.
  int max_fires_per_stream = -1;
  // The chance, drawn once per session, that the rule applies to that
  // session's streams at all: a fault that hits some trials and not others
  // (e.g. 0.2: a safe cell whose trials fail a fifth of the time, to measure
  // the power of the expectations check). 1 applies it always.
  double probability = 1;
  FaultRpc rpc = FaultRpc::kReadRows;
  // kAppendRows: the fault hits the request that follows this many answered
  // requests of one connection (0: its first). A terminating fault ends the
  // call before that request is applied; aborted refuses it; a stall delays
  // its response by `millis` after it was applied.
  int64_t after_appends = 0;
};

// Parses {"faults": [{"kind": "unavailable", "target": "...", "after_rows": 10,
// "millis": 0, "micros": 0, "max_fires": 1}, ...]}; an AppendRows rule has
// "rpc": "append_rows" and "after_appends" instead of "after_rows". Errors
// name the field.
absl::StatusOr<std::vector<FaultRule>> ParseFaultScriptJson(
    absl::string_view json_text);
absl::StatusOr<std::vector<FaultRule>> LoadFaultScriptFile(
    const std::string& path);

// The names a stream is known by, for matching rules.
struct StreamNames {
  absl::string_view table;
  absl::string_view session;
  absl::string_view stream;
};

// A fault chosen for a stream; `rule_id` identifies it when firing.
struct PlannedFault {
  int64_t rule_id = -1;
  FaultKind kind = FaultKind::kUnavailable;
  int64_t at_offset = 0;
  int64_t millis = 0;
  std::string stream;  // the stream it was planned for
};

// Thread-safe: the gRPC service consults it from many calls at once.
class FaultInjector {
 public:
  FaultInjector() = default;
  explicit FaultInjector(std::vector<FaultRule> rules);
  FaultInjector(const FaultInjector&) = delete;
  FaultInjector& operator=(const FaultInjector&) = delete;

  void Add(FaultRule rule);
  void Clear();  // removes every rule; counts are kept

  // The earliest rule of `rpc` and one of `kinds` that can still fire on this
  // stream at an offset (kAppendRows: a count of answered appends) in
  // [from_offset, to_offset]; nullopt if none.
  std::optional<PlannedFault> Next(const StreamNames& names,
                                   const std::vector<FaultKind>& kinds,
                                   int64_t from_offset, int64_t to_offset,
                                   FaultRpc rpc = FaultRpc::kReadRows) const;

  // Consumes one firing of the planned rule. False if another call used up
  // its last firing in the meantime (the caller then plans again).
  bool TryFire(const PlannedFault& fault);

  // Total delay before each response of this stream, in microseconds (the
  // sum of the matching kDelayPerResponse rules). Counted as fired per use.
  int64_t DelayPerResponseMicros(const StreamNames& names);

  // How many times faults of `kind` fired since the server started.
  int64_t fired(FaultKind kind) const;

 private:
  struct Entry {
    int64_t id;
    FaultRule rule;
    int fires_left;  // -1: unlimited
    std::map<std::string, int> fires_by_stream;  // for max_fires_per_stream
    // Per session, whether a rule with probability < 1 applies to it.
    std::map<std::string, bool> applies_by_session;
  };
  static bool StreamExhausted(const Entry& entry, absl::string_view stream);
  static bool Matches(const FaultRule& rule, const StreamNames& names);
  // Draws (once) and returns whether `entry` applies to the session.
  bool AppliesToSession(Entry& entry, absl::string_view session) const;

  mutable std::mutex mu_;
  mutable std::mt19937_64 random_{std::random_device{}()};
  mutable std::vector<Entry> entries_;  // Next draws probabilities
  int64_t next_id_ = 0;
  std::array<int64_t, kFaultKindCount> fired_ = {};
};

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_FAULT_INJECTOR_H_
