#include "common/testing/test_processes.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "gtest/gtest.h"

namespace forkcheck::test_support {

int BoundedWait(pid_t pid) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "the child did not die within 10 s of the signal";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status;
}

ReportingChild ForkReportingChild(
    const std::function<void(int to_test)>& body) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) {
    ADD_FAILURE() << "pipe failed";
    return {};
  }
  const pid_t pid = fork();
  if (pid < 0) {
    ADD_FAILURE() << "fork failed";
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return {};
  }
  if (pid == 0) {
    close(pipe_fds[0]);
    body(pipe_fds[1]);
    _exit(99);  // a body must not return
  }
  close(pipe_fds[1]);
  return {pid, pipe_fds[0]};
}

std::string ReadFromChild(int fd, size_t bytes) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string read_so_far;
  while (read_so_far.size() < bytes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable = {fd, POLLIN, 0};
    const int ready = left.count() <= 0
                          ? 0
                          : poll(&readable, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      ADD_FAILURE() << "the child wrote " << read_so_far.size() << " of "
                    << bytes << " bytes within 30 s";
      break;
    }
    char buffer[4096];
    const ssize_t got =
        read(fd, buffer, std::min(sizeof(buffer), bytes - read_so_far.size()));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    read_so_far.append(buffer, static_cast<size_t>(got));
  }
  return read_so_far;
}

void AwaitSignal(int code) {
  for (int i = 0; i < 100; ++i) sleep(1);
  _exit(code);
}

std::string FreshTestDirectory(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string root =
      std::string(tmp != nullptr ? tmp : "/tmp") + "/" + name;
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  return root;
}

namespace {

// What the child of ExitCodeWhereThreadsAreRefused exits with when it
// cannot run `body` where threads are refused.
constexpr int kCannotDropRoot = 200;
constexpr int kCannotLimit = 201;
constexpr int kThreadNotRefused = 202;

void* DoNothing(void*) { return nullptr; }

}  // namespace

std::optional<int> ExitCodeWhereThreadsAreRefused(
    const std::function<int()>& body, std::string* skip) {
  skip->clear();
  const pid_t child = fork();
  if (child < 0) {
    ADD_FAILURE() << "fork failed";
    return std::nullopt;
  }
  if (child == 0) {
    if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
      _exit(kCannotDropRoot);
    }
    const rlimit none{0, 0};
    if (setrlimit(RLIMIT_NPROC, &none) != 0) _exit(kCannotLimit);
    pthread_t probe;
    if (pthread_create(&probe, nullptr, DoNothing, nullptr) == 0) {
      pthread_join(probe, nullptr);
      _exit(kThreadNotRefused);
    }
    _exit(body());
  }
  const int status = BoundedWait(child);
  if (!WIFEXITED(status)) {
    ADD_FAILURE() << "the child did not exit: "
                  << (WIFSIGNALED(status)
                          ? "signal " + std::to_string(WTERMSIG(status)) +
                                " (std::terminate raises SIGABRT, 6)"
                          : "status " + std::to_string(status));
    return std::nullopt;
  }
  switch (WEXITSTATUS(status)) {
    case kCannotDropRoot:
      *skip = "cannot become user 65534 here, for RLIMIT_NPROC to apply";
      return std::nullopt;
    case kCannotLimit:
      *skip = "setrlimit(RLIMIT_NPROC) failed";
      return std::nullopt;
    case kThreadNotRefused:
      *skip =
          "a thread started despite RLIMIT_NPROC 0 (a capability "
          "exempts this user): nothing here refuses a thread";
      return std::nullopt;
    default:
      return WEXITSTATUS(status);
  }
}

void ExpectZeroWhereThreadsAreRefused(
    const std::function<int()>& body,
    const std::map<int, std::string>& meanings) {
  std::string skip;
  const std::optional<int> code = ExitCodeWhereThreadsAreRefused(body, &skip);
  if (!skip.empty()) GTEST_SKIP() << skip;
  if (!code.has_value()) return;  // the failure is recorded
  const auto meaning = meanings.find(*code);
  EXPECT_EQ(*code, 0) << (meaning != meanings.end() ? meaning->second
                                                    : "an unexpected code");
}

}  // namespace forkcheck::test_support
