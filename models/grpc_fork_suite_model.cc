// grpc_fork_suite: counterparts of gRPC's own client fork tests (gRPC
// Python's tests/fork/methods.py), translated to the Read API. A "unary
// call" is CreateReadSession of a one-stream session of the trial's table
// (OneStreamSession, probes/unary_probe.h); a "stream" is ReadRows of the
// one stream of such a session of its own (InFlightRead,
// probes/in_flight_read.h), so it overlaps no worker's share. --suite_case
// picks the case:
//
// Parent actions, before the fork:
//   watch:       a thread watches the channel until READY, and on through
//                the fork (ConnectivityWatcher);
//   unary:       a blocking unary call;
//   async:       an async unary call;
//   unary+drop:  a blocking unary call, then the channel's last reference
//                goes;
//   stream:      ReadRows started, its first response read, the call open.
// Child actions, before reading its share on the channel the action used
// (same: the inherited channel; new: a channel of its own):
//   watch:       a thread watches the channel until READY;
//   blocking, async: a unary call with that API;
//   continue:    reads the inherited ReadRows call to its end, checking that
//                row k has row_id k (same channel).
//
// | suite_case                                    | parent     | child
// |-----------------------------------------------|------------|---------------
// | connectivity_watch                            | watch      | watch, new
// | close_channel_before_fork                     | unary+drop | blocking, new
// | blocking_unary_same_channel                   | unary      | blocking, same
// | blocking_unary_new_channel                    | unary      | blocking, new
// | async_unary_same_channel                      | async      | async, same
// | async_unary_new_channel                       | async      | async, new
// | in_progress_stream_continue_call              | stream     | continue
// | in_progress_stream_same_channel_blocking_call | stream     | blocking, same
// | in_progress_stream_same_channel_async_call    | stream     | async, same
// | in_progress_stream_new_channel_blocking_call  | stream     | blocking, new
// | in_progress_stream_new_channel_async_call     | stream     | async, new
//
// Where gRPC's suite asserts a clean error in the child, this records what
// happens: a failed action is the worker's result (error, with its code;
// wrong rows of the inherited call: wrong_data, without a share read); a
// hang is the watchdog's. Phases: the action runs after CLIENT_CREATED and
// before CONNECTED, so a hang in it shows as "hang in connect".
//
// The trial's session comes from a helper child before the parent touches
// gRPC, so the parent's gRPC state at the fork is exactly what its action
// made. After the workers, the parent stops its watcher, reads its own
// stream to the end (bounded; else cancels it), and checks its client
// (CheckParentClient) - except in close_channel_before_fork, where there is
// no client left to check. Waits: unary calls have
// context.create_session_timeout as their deadline, watches and connecting
// context.connect_timeout, the child's rest of the inherited stream
// context.create_session_timeout, the parent's context.parent_check_timeout.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/channel_factory.h"
#include "models/builtin_models.h"
#include "probes/connectivity_watcher.h"
#include "probes/in_flight_read.h"
#include "probes/unary_probe.h"
#include "runtime/parent_client.h"
#include "runtime/share_reader.h"
#include "runtime/worker_channel.h"
#include "runtime/worker_process.h"

namespace forkcheck {
namespace {

using google::cloud::bigquery::storage::v1::ReadSession;

enum class ParentAction { kWatch, kUnaryThenDestroy, kUnary, kStream };
enum class ChildAction { kWatch, kUnary, kContinueCall };

struct SuiteCase {
  const char* name;
  ParentAction parent;
  CallApi parent_api;  // kUnary, kUnaryThenDestroy
  ChildAction child;
  bool child_new_channel;
  CallApi child_api;  // ChildAction::kUnary
};

constexpr CallApi kBlocking = CallApi::kBlocking;
constexpr CallApi kAsync = CallApi::kAsync;

// The table above, as data.
constexpr SuiteCase kCases[] = {
    {"connectivity_watch", ParentAction::kWatch, kBlocking, ChildAction::kWatch,
     true, kBlocking},
    {"close_channel_before_fork", ParentAction::kUnaryThenDestroy, kBlocking,
     ChildAction::kUnary, true, kBlocking},
    {"blocking_unary_same_channel", ParentAction::kUnary, kBlocking,
     ChildAction::kUnary, false, kBlocking},
    {"blocking_unary_new_channel", ParentAction::kUnary, kBlocking,
     ChildAction::kUnary, true, kBlocking},
    {"async_unary_same_channel", ParentAction::kUnary, kAsync,
     ChildAction::kUnary, false, kAsync},
    {"async_unary_new_channel", ParentAction::kUnary, kAsync,
     ChildAction::kUnary, true, kAsync},
    {"in_progress_stream_continue_call", ParentAction::kStream, kBlocking,
     ChildAction::kContinueCall, false, kBlocking},
    {"in_progress_stream_same_channel_blocking_call", ParentAction::kStream,
     kBlocking, ChildAction::kUnary, false, kBlocking},
    {"in_progress_stream_same_channel_async_call", ParentAction::kStream,
     kBlocking, ChildAction::kUnary, false, kAsync},
    {"in_progress_stream_new_channel_blocking_call", ParentAction::kStream,
     kBlocking, ChildAction::kUnary, true, kBlocking},
    {"in_progress_stream_new_channel_async_call", ParentAction::kStream,
     kBlocking, ChildAction::kUnary, true, kAsync},
};

// What the parent holds across the fork.
struct ParentState {
  std::shared_ptr<grpc::Channel> channel;  // null once destroyed
  std::unique_ptr<ConnectivityWatcher> watcher;
  std::unique_ptr<InFlightRead> in_flight;
};

absl::Status WithContext(absl::string_view what, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(what, ": ", status.message()));
}

// A failed child action as the worker's result.
void ReportActionFailure(const absl::Status& status,
                         const InFlightAccount* inherited,
                         WorkerReporter& reporter) {
  v1::WorkerResult result;
  result.set_status_code(static_cast<int>(status.code()));
  result.set_status_message(std::string(status.message()));
  if (inherited != nullptr) {
    result.set_corrupted_rows(inherited->misplaced_rows);
    result.set_corrupt_responses(inherited->corrupt_responses);
    if (status.ok()) {
      result.set_status_message(
          absl::StrCat("the inherited ReadRows call delivered ",
                       inherited->misplaced_rows, " misplaced rows and ",
                       inherited->corrupt_responses, " undecodable responses"));
    }
  }
  reporter.Phase(v1::PHASE_DONE);
  result.set_done_micros(reporter.ElapsedMicros());
  reporter.Result(result);
}

class GrpcForkSuiteModel : public Model {
 public:
  explicit GrpcForkSuiteModel(const SuiteCase& c) : case_(c) {}

  std::string name() const override {
    return absl::StrCat("grpc_fork_suite(suite_case=", case_.name, ")");
  }
  bool has_parent_check() const override {
    return case_.parent != ParentAction::kUnaryThenDestroy;
  }

  int Run(const ModelContext& context) override {
    // First, while the parent is free of gRPC (see the file comment).
    absl::StatusOr<ReadSession> session = CreateSessionInHelper(context);
    if (!session.ok()) {
      return ReportSetupFailure(context.workers, session.status());
    }
    ParentState parent;
    parent.channel = NewChannel(context.target);
    if (absl::Status acted = ParentActs(context, parent); !acted.ok()) {
      return ReportSetupFailure(context.workers, acted);
    }

    std::vector<pid_t> pids;
    for (int i = 0; i < context.workers; ++i) {
      pids.push_back(
          ForkWorker(context.fork_hooks, i, [&](WorkerReporter& reporter) {
            return ChildRuns(i, context, *session, parent, reporter);
          }));
    }
    context.parent->CloseWorkerFds();
    ReapWorkersThen(pids, *context.parent, context.worker_patience, [&] {
      if (parent.watcher != nullptr) parent.watcher->Stop();
      if (parent.in_flight != nullptr) {
        FinishInFlightAndCheckParent(*parent.in_flight, parent.channel,
                                     context);
      } else if (has_parent_check()) {
        CheckParentClient(parent.channel, context);
      }
    });
    return 0;
  }

 private:
  absl::Status ParentActs(const ModelContext& context, ParentState& parent) {
    switch (case_.parent) {
      case ParentAction::kWatch:
        parent.watcher = std::make_unique<ConnectivityWatcher>(parent.channel);
        return WithContext(
            "the parent's watched channel",
            parent.watcher->WaitUntilReady(context.connect_timeout));
      case ParentAction::kUnaryThenDestroy:
      case ParentAction::kUnary: {
        const absl::Status called =
            OneStreamSession(parent.channel, context.table, case_.parent_api,
                             context.create_session_timeout)
                .status();
        if (case_.parent == ParentAction::kUnaryThenDestroy) {
          parent.channel.reset();  // its last reference: the channel goes
        }
        return WithContext(
            absl::StrCat("the parent's ", CallApiName(case_.parent_api),
                         " unary call"),
            called);
      }
      case ParentAction::kStream: {
        absl::StatusOr<std::unique_ptr<InFlightRead>> started =
            InFlightRead::Start(parent.channel, context.table,
                                context.create_session_timeout);
        if (!started.ok()) return started.status();
        parent.in_flight = *std::move(started);
        return absl::OkStatus();
      }
    }
    return absl::InternalError("unknown parent action");
  }

  // In worker `index`'s process, after PHASE_STARTED.
  int ChildRuns(int index, const ModelContext& context,
                const ReadSession& session, ParentState& parent,
                WorkerReporter& reporter) const {
    std::shared_ptr<grpc::Channel> channel =
        case_.child_new_channel ? NewWorkerChannel(context) : parent.channel;
    reporter.Phase(v1::PHASE_CLIENT_CREATED);
    absl::Status acted;
    std::optional<InFlightAccount> inherited;
    switch (case_.child) {
      case ChildAction::kWatch: {
        ConnectivityWatcher watcher(channel);
        acted = WithContext("the child's watched channel",
                            watcher.WaitUntilReady(context.connect_timeout));
        break;
      }
      case ChildAction::kUnary:
        acted = WithContext(
            absl::StrCat("the child's ", CallApiName(case_.child_api),
                         " unary call on ",
                         case_.child_new_channel ? "a new" : "the inherited",
                         " channel"),
            OneStreamSession(channel, context.table, case_.child_api,
                             context.create_session_timeout)
                .status());
        break;
      case ChildAction::kContinueCall:
        inherited = parent.in_flight->ReadToEnd(context.create_session_timeout);
        acted = WithContext("the child's inherited ReadRows call",
                            inherited->status);
        if (acted.ok() && inherited->wrong_data()) {
          // Rows out of place are wrong data, not an error: an OK status
          // with corrupted_rows set, and no share read.
          ReportActionFailure(absl::OkStatus(), &*inherited, reporter);
          return 0;
        }
        break;
    }
    if (!acted.ok()) {
      std::fprintf(stderr, "grpc_fork_suite worker %d: %s\n", index,
                   acted.ToString().c_str());
      ReportActionFailure(acted, inherited ? &*inherited : nullptr, reporter);
      return 0;
    }
    ShareOptions options = ShareOptionsFor(context, index);
    ReadShare(channel, session, options, reporter);
    return 0;
  }

  const SuiteCase& case_;
};

}  // namespace

std::vector<std::string> GrpcForkSuiteCaseNames() {
  std::vector<std::string> names;
  for (const SuiteCase& c : kCases) names.push_back(c.name);
  return names;
}

absl::StatusOr<std::unique_ptr<Model>> MakeGrpcForkSuiteModel(
    const ModelVariant& variant) {
  for (const SuiteCase& c : kCases) {
    if (variant.suite_case == c.name) {
      return std::make_unique<GrpcForkSuiteModel>(c);
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown suite_case \"", variant.suite_case, "\""));
}

}  // namespace forkcheck
