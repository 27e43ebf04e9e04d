// The fake server in its own process, as the harness runs it.
//
// Process models fork clients; a server living in the process that forks
// would be forked along with them (its threads, sockets and locks), which
// would confound every result. So the harness always runs the fake as a
// separate process and hands clients its address.
#ifndef FORKCHECK_FAKES_FAKE_SERVER_PROCESS_H_
#define FORKCHECK_FAKES_FAKE_SERVER_PROCESS_H_

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/subprocess.h"

namespace forkcheck {

class FakeServerProcess {
 public:
  struct Options {
    std::string binary;  // path of //fakes:fake_bigquery_storage_server
    std::vector<std::string> flags;  // e.g. "--listen=unix:/tmp/x.sock"
    std::chrono::milliseconds startup_timeout{15000};
    // Where the server's standard error goes (appended); empty: inherited.
    // Its last lines are quoted when the server fails to start or stop.
    std::string stderr_path;
  };

  // Starts the server and waits (bounded) for the address it prints first.
  static absl::StatusOr<std::unique_ptr<FakeServerProcess>> Start(
      Options options);

  const std::string& address() const { return address_; }
  pid_t pid() const { return process_->pid(); }

  // SIGTERM and a bounded wait; an error unless it exited cleanly.
  absl::Status Stop();

 private:
  FakeServerProcess(std::unique_ptr<Subprocess> process, std::string address,
                    std::string stderr_path)
      : process_(std::move(process)),
        address_(std::move(address)),
        stderr_path_(std::move(stderr_path)) {}

  std::unique_ptr<Subprocess> process_;
  std::string address_;
  std::string stderr_path_;
};

// Where the server binary is among the runfiles of the running program
// (`argv0` is its argv[0]; empty in tests). See common/runfiles.h.
absl::StatusOr<std::string> FakeServerBinaryPath(const std::string& argv0 = "");

}  // namespace forkcheck

#endif  // FORKCHECK_FAKES_FAKE_SERVER_PROCESS_H_
