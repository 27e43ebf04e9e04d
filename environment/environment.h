// What machine, build and run this process is: the facts a report's
// `environment` block records, so that a reader can tell whether two reports
// are comparable and why an outcome changed (a new gRPC, another kernel, a
// loaded machine). Collected into plain structs here; how a report writes
// and reads them is reports/' business (reports/environment_json.h).
//
// In the spirit of Google Benchmark's JSON `context`. Every fact is a string
// or a number; one that cannot be read is kUnknown (numbers: std::nullopt),
// and `notes` says why, naming the fact as "machine.cpu_model: <why>".
#ifndef FORKCHECK_ENVIRONMENT_ENVIRONMENT_H_
#define FORKCHECK_ENVIRONMENT_ENVIRONMENT_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forkcheck {

// What an unreadable fact is recorded as.
inline constexpr char kUnknown[] = "unknown";

// The 1, 5 and 15 minute load averages (getloadavg).
using LoadAverage = std::array<double, 3>;

struct GrpcFacts {
  std::string cpp_version;   // grpc::Version(), e.g. "1.51.1"
  std::string core_version;  // grpc_version_string(), e.g. "29.0.0"
  std::string library_path;  // the loaded libgrpc; kUnknown if static
  std::string atfork;        // AtforkRegistrationName()
  std::string atfork_evidence;
};

struct ProtobufFacts {
  // GOOGLE_PROTOBUF_VERSION of the headers we were compiled with, "3.21.12".
  std::string header_version;
  // The loaded libprotobuf, resolved through symlinks (its file name carries
  // the library's version: libprotobuf.so.32.0.12). Protobuf 3.21 has no
  // run-time version call, so this is the run-time evidence.
  std::string library_path;
};

struct BuildFacts {
  std::string compiler;  // "GCC 12.2.0", or clang's __VERSION__
  // "opt" (optimised, NDEBUG), "fastbuild_or_dbg" (not optimised: the two
  // differ only in -g, which leaves no macro), "optimized_with_assertions"
  // (e.g. this repo's sanitizer configs, -O1 without NDEBUG) or
  // "unoptimized_without_assertions".
  std::string config;
  // Flags implied by predefined macros, e.g. {"-std=c++17", "-O1 or higher",
  // "-DNDEBUG", "-fsanitize=address", "-fPIC"}: not the command line.
  std::vector<std::string> inferred_flags;
  // "address", "thread", ... (empty: none detected).
  std::vector<std::string> sanitizers;
  // How config, flags and sanitizers were found, and what that cannot see.
  std::string source;
  // FORKCHECK_BAZEL_VERSION, which ./forkcheck sets; kUnknown otherwise.
  std::string bazel_version;
};

struct MachineFacts {
  std::string hostname;
  std::string os;              // /etc/os-release PRETTY_NAME
  std::string kernel_release;  // uname -r
  std::string kernel_version;  // uname -v
  std::string architecture;    // uname -m
  std::string libc_version;    // gnu_get_libc_version()
  std::string cpu_model;       // first "model name" of /proc/cpuinfo
  std::optional<int64_t> hardware_concurrency;  // std::thread's
  std::optional<int64_t> cpus_online;           // sysconf(_SC_NPROCESSORS_ONLN)
  std::optional<int64_t> cpus_allowed;          // this process's affinity mask
  std::optional<int64_t> memory_total_bytes;    // /proc/meminfo MemTotal
  std::string scaling_governor;  // cpu0's cpufreq governor, e.g. "performance"
  std::optional<LoadAverage> load_average_at_start;
};

struct HarnessFacts {
  // Where the git facts were read; kUnknown if no workspace was given.
  std::string workspace_directory;
  std::string git_commit;  // full hash of HEAD
  // "clean", "dirty" (changed or untracked files; ignored ones do not
  // count) or kUnknown.
  std::string git_tree;
};

struct Environment {
  GrpcFacts grpc;
  ProtobufFacts protobuf;
  BuildFacts build;
  MachineFacts machine;
  HarnessFacts harness;
  std::string start_time;  // RFC 3339 UTC, "2024-11-25T19:06:00.123Z"
  std::string end_time;
  // Every environment variable whose name starts with GRPC_, by name.
  std::map<std::string, std::string> grpc_env;
  // One per unknown fact: "machine.scaling_governor: <why>".
  std::vector<std::string> notes;
};

// What is known only when the run starts; capture it then.
struct RunStart {
  std::optional<std::chrono::system_clock::time_point> time;
  std::optional<LoadAverage> load_average;
};

// Now, and the load average now (nullopt if getloadavg fails).
RunStart CaptureRunStart();

struct EnvironmentOptions {
  RunStart start;
  // The source tree to ask git about; "" for none (git facts are unknown).
  std::string workspace_directory;
  // "" for unknown.
  std::string bazel_version;
  // The git executable; "" searches PATH.
  std::string git_path;
  // Bound on each git command; one that takes longer is killed.
  std::chrono::milliseconds git_timeout{5000};
  // Prefixed to /proc, /sys and /etc paths; tests point it at a fake tree.
  std::string filesystem_root;
};

// Options for this process: BUILD_WORKSPACE_DIRECTORY (which `bazel run`
// sets; `bazel test` does not) and FORKCHECK_BAZEL_VERSION (which
// `./forkcheck run` sets).
//
// Why at run time, not stamped: --workspace_status_command with --stamp
// would relink every stamped binary whenever the commit or the dirty state
// changes, and Debian's Bazel 4.2.3 reports its own version as "no_version"
// anyway. Asking git when the run ends also catches a tree edited after the
// build. Under `bazel test` neither is known, so both are "unknown".
EnvironmentOptions EnvironmentOptionsFromProcess(const RunStart& start);

// Collects what this process can learn about the machine, the build and the
// run; the end time is now, so call it when the run has ended. Never fails:
// a fact that cannot be read is recorded as kUnknown, with a note saying
// why. Takes at most about 2 * options.git_timeout.
Environment CollectEnvironment(const EnvironmentOptions& options);

// RFC 3339 UTC with milliseconds, "2024-11-25T19:06:00.123Z".
std::string FormatRfc3339Utc(std::chrono::system_clock::time_point time);

}  // namespace forkcheck

#endif  // FORKCHECK_ENVIRONMENT_ENVIRONMENT_H_
