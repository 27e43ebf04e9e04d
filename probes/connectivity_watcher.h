// Watches a channel's connectivity state from a thread of its own, as gRPC
// Python's channel.subscribe does: the fork suite's parent has this thread
// inside gRPC when it forks.
#ifndef FORKCHECK_PROBES_CONNECTIVITY_WATCHER_H_
#define FORKCHECK_PROBES_CONNECTIVITY_WATCHER_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpc/grpc.h"
#include "grpcpp/channel.h"

namespace forkcheck {

// "IDLE", "CONNECTING", "READY", "TRANSIENT_FAILURE", "SHUTDOWN".
std::string ConnectivityStateName(grpc_connectivity_state state);

class ConnectivityWatcher {
 public:
  // Starts the thread: it asks the channel to connect and follows its state
  // (GetState(true), WaitForStateChange), each wait at most `poll`, so Stop
  // returns within about `poll` while gRPC works.
  explicit ConnectivityWatcher(std::shared_ptr<grpc::Channel> channel,
                               absl::Duration poll = absl::Milliseconds(100));
  // Stops the thread. Never let a forked child run it: the thread does not
  // exist there (a child _exits instead).
  ~ConnectivityWatcher();
  ConnectivityWatcher(const ConnectivityWatcher&) = delete;
  ConnectivityWatcher& operator=(const ConnectivityWatcher&) = delete;

  // OK once the thread has seen READY; else, after `timeout`,
  // DEADLINE_EXCEEDED naming the states it saw.
  absl::Status WaitUntilReady(absl::Duration timeout);

  // Stops and joins the thread; idempotent. In the process that started it
  // only.
  void Stop();

  // The states seen, in order, without immediate repeats.
  std::vector<grpc_connectivity_state> states() const;
  // e.g. "IDLE, CONNECTING, READY"; "none" before the first.
  std::string StatesText() const;

 private:
  void Watch();
  void Record(grpc_connectivity_state state);

  const std::shared_ptr<grpc::Channel> channel_;
  const absl::Duration poll_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<grpc_connectivity_state> states_;  // guarded by mutex_
  bool stop_ = false;                            // guarded by mutex_
  std::thread thread_;
};

}  // namespace forkcheck

#endif  // FORKCHECK_PROBES_CONNECTIVITY_WATCHER_H_
