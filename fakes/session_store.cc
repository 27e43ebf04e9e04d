#include "fakes/session_store.h"

#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace forkcheck {

std::string SessionStore::NextId() {
  // Opaque like the real service's ids, unique within this server. The
  // multiplier spreads consecutive ids so that names do not look ordered.
  return absl::StrFormat("CAIS%016x", next_id_++ * 0x9E3779B97F4A7C15ull);
}

SessionStore::NewSession SessionStore::AddSession(
    absl::string_view project, absl::string_view location,
    SessionState session, const std::vector<RowRange>& ranges) {
  std::lock_guard<std::mutex> lock(mu_);
  session.name =
      absl::StrCat("projects/", project, "/locations/", location,
                   "/sessions/", NextId());
  NewSession created{std::make_shared<const SessionState>(std::move(session)),
                     {}};
  for (const RowRange& range : ranges) {
    StreamState stream{
        absl::StrCat(created.session->name, "/streams/", NextId()),
        created.session, range};
    streams_[stream.name] = std::make_shared<const StreamState>(stream);
    created.streams.push_back(std::move(stream));
  }
  return created;
}

StreamState SessionStore::AddStream(
    std::shared_ptr<const SessionState> session, RowRange rows) {
  std::lock_guard<std::mutex> lock(mu_);
  StreamState stream{absl::StrCat(session->name, "/streams/", NextId()),
                     std::move(session), rows};
  streams_[stream.name] = std::make_shared<const StreamState>(stream);
  return stream;
}

std::shared_ptr<const StreamState> SessionStore::FindStream(
    absl::string_view name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = streams_.find(name);
  return it == streams_.end() ? nullptr : it->second;
}

}  // namespace forkcheck
