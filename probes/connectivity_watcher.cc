#include "probes/connectivity_watcher.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace forkcheck {
namespace {

std::string JoinStates(const std::vector<grpc_connectivity_state>& states) {
  std::vector<std::string> names;
  for (grpc_connectivity_state state : states) {
    names.push_back(ConnectivityStateName(state));
  }
  return names.empty() ? "none" : absl::StrJoin(names, ", ");
}

}  // namespace

std::string ConnectivityStateName(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_IDLE:
      return "IDLE";
    case GRPC_CHANNEL_CONNECTING:
      return "CONNECTING";
    case GRPC_CHANNEL_READY:
      return "READY";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "TRANSIENT_FAILURE";
    case GRPC_CHANNEL_SHUTDOWN:
      return "SHUTDOWN";
  }
  return absl::StrCat("state ", static_cast<int>(state));
}

ConnectivityWatcher::ConnectivityWatcher(std::shared_ptr<grpc::Channel> channel,
                                         absl::Duration poll)
    : channel_(std::move(channel)), poll_(poll) {
  thread_ = std::thread([this] { Watch(); });
}

ConnectivityWatcher::~ConnectivityWatcher() { Stop(); }

void ConnectivityWatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void ConnectivityWatcher::Record(grpc_connectivity_state state) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (states_.empty() || states_.back() != state) {
    states_.push_back(state);
    changed_.notify_all();
  }
}

void ConnectivityWatcher::Watch() {
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  Record(state);
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) return;
    }
    if (channel_->WaitForStateChange(state,
                                     absl::ToChronoTime(absl::Now() + poll_))) {
      state = channel_->GetState(/*try_to_connect=*/true);
      Record(state);
    }
  }
}

absl::Status ConnectivityWatcher::WaitUntilReady(absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  const bool ready =
      changed_.wait_for(lock, absl::ToChronoMilliseconds(timeout), [this] {
        return std::find(states_.begin(), states_.end(), GRPC_CHANNEL_READY) !=
               states_.end();
      });
  if (ready) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat(
      "the channel was not READY within ", absl::FormatDuration(timeout),
      "; states seen: ", JoinStates(states_)));
}

std::vector<grpc_connectivity_state> ConnectivityWatcher::states() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return states_;
}

std::string ConnectivityWatcher::StatesText() const {
  return JoinStates(states());
}

}  // namespace forkcheck
