// The bare AppendRows server (bench/bare_write_server.h) as a process of its
// own, as the fake runs (FakeServerProcess starts either): it prints the
// address it bound as the first line of its standard output, then serves
// until SIGTERM or SIGINT and shuts down cleanly. A process of its own
// because a gRPC server in the benchmark's process slows the clients
// there (bench/README.md, "The ceiling measured as a trial's worker"),
// which the trials' workers, alone in their processes, are not.
//
//   bare_write_server_process [--listen=127.0.0.1:0]
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "absl/strings/match.h"
#include "bench/bare_write_server.h"
#include "fakes/grpc_callback_compat.h"

namespace {

// What the server names in its answers; nobody checks it.
constexpr char kWriteStream[] =
    "projects/bench/datasets/writable/tables/bare/streams/_default";

int Serve(const std::string& listen) {
  // Block the stop signals in every thread (gRPC's threads inherit the mask)
  // and take them synchronously here, so shutdown runs in ordinary code.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = forkcheck::BareWriteServer::Start(listen, kWriteStream);
  if (!server.ok()) {
    std::cerr << "bare_write_server_process: " << server.status() << "\n";
    return 1;
  }
  std::cout << (*server)->address() << std::endl;  // flushed: a harness waits
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  server->reset();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // First, while this process has one thread (see its comment).
  forkcheck::CallbackServingSupport callback_serving;
  std::string listen = "127.0.0.1:0";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (absl::StartsWith(arg, "--listen=")) {
      listen = arg.substr(sizeof("--listen=") - 1);
    } else {
      std::cerr << "bare_write_server_process: unknown argument \"" << arg
                << "\"; expected --listen=ADDRESS\n";
      return 2;
    }
  }
  return Serve(listen);
}
