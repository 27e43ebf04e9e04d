#include "environment/environment.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <utility>

#if defined(__GLIBC__)
#include <gnu/libc-version.h>
#endif

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/file_util.h"
#include "google/protobuf/stubs/common.h"
#include "environment/git_state.h"
#include "environment/grpc_build_info.h"
#include "environment/loaded_objects.h"

extern char** environ;

namespace forkcheck {
namespace {

#if defined(__has_feature)
#define FORKCHECK_HAS_FEATURE(x) __has_feature(x)
#else
#define FORKCHECK_HAS_FEATURE(x) 0
#endif

// Collects facts and a note for each one that could not be read.
class Notes {
 public:
  explicit Notes(std::vector<std::string>* notes) : notes_(notes) {}

  // `value` if it is not empty; otherwise kUnknown, noting why.
  std::string Fact(absl::string_view field, std::string value,
                   absl::string_view why_empty) {
    if (!value.empty()) return value;
    Add(field, why_empty);
    return kUnknown;
  }
  // `value`, or kUnknown noting its error.
  std::string Fact(absl::string_view field,
                   const absl::StatusOr<std::string>& value) {
    if (value.ok()) return Fact(field, *value, "empty");
    Add(field, value.status().message());
    return kUnknown;
  }
  template <typename T>
  std::optional<T> Number(absl::string_view field, absl::StatusOr<T> value) {
    if (value.ok()) return *value;
    Add(field, value.status().message());
    return std::nullopt;
  }
  void Add(absl::string_view field, absl::string_view why) {
    notes_->push_back(absl::StrCat(field, ": ", why));
  }
  // A note already in the form "field: why".
  void AddLine(std::string note) { notes_->push_back(std::move(note)); }

 private:
  std::vector<std::string>* notes_;
};

// The value of the first "key<sep>value" line of `text`, trimmed; "" if none.
std::string FirstValue(absl::string_view text, absl::string_view key,
                       char separator) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    const size_t at = line.find(separator);
    if (at == absl::string_view::npos) continue;
    if (absl::StripAsciiWhitespace(line.substr(0, at)) != key) continue;
    return std::string(absl::StripAsciiWhitespace(line.substr(at + 1)));
  }
  return "";
}

absl::StatusOr<std::string> KeyedValue(const std::string& path,
                                       absl::string_view key, char separator) {
  absl::StatusOr<std::string> text = ReadFile(path, "file");
  if (!text.ok()) return text.status();
  std::string value = FirstValue(*text, key, separator);
  if (value.empty()) {
    return absl::NotFoundError(absl::StrCat("no ", key, " in ", path));
  }
  return value;
}

absl::StatusOr<std::string> OsName(const std::string& root) {
  const std::string path = absl::StrCat(root, "/etc/os-release");
  absl::StatusOr<std::string> name = KeyedValue(path, "PRETTY_NAME", '=');
  if (!name.ok()) return name;
  absl::string_view unquoted = *name;
  if (unquoted.size() >= 2 && unquoted.front() == '"' &&
      unquoted.back() == '"') {
    unquoted = unquoted.substr(1, unquoted.size() - 2);
  }
  return std::string(unquoted);
}

absl::StatusOr<int64_t> MemTotalBytes(const std::string& root) {
  const std::string path = absl::StrCat(root, "/proc/meminfo");
  absl::StatusOr<std::string> value = KeyedValue(path, "MemTotal", ':');
  if (!value.ok()) return value.status();
  // "16384 kB": the kernel's kB are KiB.
  std::vector<absl::string_view> parts =
      absl::StrSplit(*value, ' ', absl::SkipWhitespace());
  int64_t kib = 0;
  if (parts.size() != 2 || parts[1] != "kB" ||
      !absl::SimpleAtoi(parts[0], &kib) || kib <= 0 || kib > INT64_MAX / 1024) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected MemTotal in ", path, ": \"", *value, "\""));
  }
  return kib * 1024;
}

absl::StatusOr<std::string> ScalingGovernor(const std::string& root) {
  const std::string path = absl::StrCat(
      root, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  absl::StatusOr<std::string> text = ReadFile(path, "cpufreq governor");
  if (!text.ok()) {
    // Virtual machines and containers often have no cpufreq driver.
    return absl::NotFoundError(
        absl::StrCat(text.status().message(), " (no cpufreq driver?)"));
  }
  return std::string(absl::StripAsciiWhitespace(*text));
}

absl::StatusOr<int64_t> PositiveOr(long value, absl::string_view what) {
  if (value > 0) return static_cast<int64_t>(value);
  return absl::UnavailableError(absl::StrCat(what, " gave ", value));
}

absl::StatusOr<int64_t> CpusAllowed() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) {
    return absl::UnavailableError(
        absl::StrCat("sched_getaffinity: ", std::strerror(errno)));
  }
  return PositiveOr(CPU_COUNT(&set), "sched_getaffinity");
}

std::string Hostname() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

std::string LibcVersion() {
#if defined(__GLIBC__)
  return absl::StrCat("glibc ", gnu_get_libc_version());
#else
  return "";
#endif
}

// The loaded object whose file name starts with `prefix`, with symlinks
// resolved, or "".
std::string LoadedLibrary(absl::string_view prefix) {
  for (const std::string& path : LoadedObjectPaths()) {
    const size_t slash = path.rfind('/');
    absl::string_view name = absl::string_view(path).substr(
        slash == std::string::npos ? 0 : slash + 1);
    if (!absl::StartsWith(name, prefix)) continue;
    char* resolved = realpath(path.c_str(), nullptr);
    if (resolved == nullptr) return path;
    std::string result = resolved;
    free(resolved);
    return result;
  }
  return "";
}

void CollectGrpc(Notes& notes, GrpcFacts* grpc) {
  absl::StatusOr<GrpcBuildInfo> info = ProbeGrpcBuild();
  if (!info.ok()) {
    for (const char* field : {"cpp_version", "core_version", "library_path",
                              "atfork", "atfork_evidence"}) {
      notes.Add(absl::StrCat("grpc.", field), info.status().message());
    }
    grpc->cpp_version = grpc->core_version = grpc->library_path = grpc->atfork =
        grpc->atfork_evidence = kUnknown;
    return;
  }
  grpc->cpp_version = notes.Fact("grpc.cpp_version", info->cpp_version,
                                 "grpc::Version() is empty");
  grpc->core_version = notes.Fact("grpc.core_version", info->core_version,
                                  "grpc_version_string() is empty");
  grpc->library_path = notes.Fact("grpc.library_path", info->library_path,
                                  "no shared libgrpc is loaded");
  grpc->atfork = AtforkRegistrationName(info->atfork);
  if (info->atfork == AtforkRegistration::kUnknown) {
    notes.Add("grpc.atfork", info->evidence);
  }
  grpc->atfork_evidence =
      notes.Fact("grpc.atfork_evidence", info->evidence, "none given");
}

void CollectProtobuf(Notes& notes, ProtobufFacts* protobuf) {
  protobuf->header_version =
      google::protobuf::internal::VersionString(GOOGLE_PROTOBUF_VERSION);
  protobuf->library_path =
      notes.Fact("protobuf.library_path", LoadedLibrary("libprotobuf.so"),
                 "no shared libprotobuf is loaded (linked statically?)");
}

void CollectBuild(const EnvironmentOptions& options, Notes& notes,
                  BuildFacts* build) {
#if defined(__clang__)
  build->compiler = __VERSION__;
#elif defined(__GNUC__)
  build->compiler = absl::StrCat("GCC ", __VERSION__);
#else
  build->compiler = __VERSION__;
#endif

#if defined(__OPTIMIZE__)
  constexpr bool kOptimized = true;
#else
  constexpr bool kOptimized = false;
#endif
#if defined(NDEBUG)
  constexpr bool kNdebug = true;
#else
  constexpr bool kNdebug = false;
#endif
  if (kOptimized) {
    build->config = kNdebug ? "opt" : "optimized_with_assertions";
  } else {
    build->config =
        kNdebug ? "unoptimized_without_assertions" : "fastbuild_or_dbg";
  }

  std::vector<std::string>& flags = build->inferred_flags;
  if (__cplusplus >= 202002L) {
    flags.push_back("-std=c++20 or later");
  } else if (__cplusplus >= 201703L) {
    flags.push_back("-std=c++17");
  } else {
    flags.push_back(absl::StrCat("__cplusplus=", __cplusplus));
  }
#if defined(__OPTIMIZE_SIZE__)
  flags.push_back("-Os");
#elif defined(__OPTIMIZE__)
  flags.push_back("-O1 or higher");
#else
  flags.push_back("-O0");
#endif
  if (kNdebug) flags.push_back("-DNDEBUG");
#if defined(_FORTIFY_SOURCE)
  flags.push_back(absl::StrCat("-D_FORTIFY_SOURCE=", _FORTIFY_SOURCE));
#endif
#if defined(__PIE__)
  flags.push_back("-fPIE");
#elif defined(__PIC__)
  flags.push_back("-fPIC");
#endif

#if defined(__SANITIZE_ADDRESS__) || FORKCHECK_HAS_FEATURE(address_sanitizer)
  build->sanitizers.push_back("address");
#endif
#if defined(__SANITIZE_THREAD__) || FORKCHECK_HAS_FEATURE(thread_sanitizer)
  build->sanitizers.push_back("thread");
#endif
#if FORKCHECK_HAS_FEATURE(memory_sanitizer)
  build->sanitizers.push_back("memory");
#endif
#if FORKCHECK_HAS_FEATURE(undefined_behavior_sanitizer)
  build->sanitizers.push_back("undefined");
#endif
  for (const std::string& sanitizer : build->sanitizers) {
    flags.push_back(absl::StrCat("-fsanitize=", sanitizer));
  }
  build->source =
      "inferred from predefined macros (__OPTIMIZE__, NDEBUG, "
      "__SANITIZE_*__, __has_feature) when this file was compiled; -g leaves "
      "no macro (so fastbuild and dbg look alike) and GCC defines none for "
      "-fsanitize=undefined";
  build->bazel_version =
      notes.Fact("build.bazel_version", options.bazel_version,
                 "FORKCHECK_BAZEL_VERSION is not set (./forkcheck sets it)");
}

void CollectMachine(const EnvironmentOptions& options, Notes& notes,
                    MachineFacts* machine) {
  const std::string& root = options.filesystem_root;
  machine->hostname =
      notes.Fact("machine.hostname", Hostname(), "gethostname failed");
  machine->os = notes.Fact("machine.os", OsName(root));
  utsname names;
  if (uname(&names) == 0) {
    machine->kernel_release =
        notes.Fact("machine.kernel_release", names.release, "empty");
    machine->kernel_version =
        notes.Fact("machine.kernel_version", names.version, "empty");
    machine->architecture =
        notes.Fact("machine.architecture", names.machine, "empty");
  } else {
    const std::string why = absl::StrCat("uname: ", std::strerror(errno));
    machine->kernel_release = notes.Fact("machine.kernel_release", "", why);
    machine->kernel_version = notes.Fact("machine.kernel_version", "", why);
    machine->architecture = notes.Fact("machine.architecture", "", why);
  }
  machine->libc_version = notes.Fact("machine.libc_version", LibcVersion(),
                                     "not glibc; no version call known");
  // x86 names the model; other architectures may not ("CPU part" on arm64).
  machine->cpu_model = notes.Fact(
      "machine.cpu_model",
      KeyedValue(absl::StrCat(root, "/proc/cpuinfo"), "model name", ':'));
  machine->hardware_concurrency =
      notes.Number<int64_t>("machine.hardware_concurrency",
                            PositiveOr(std::thread::hardware_concurrency(),
                                       "std::thread::hardware_concurrency"));
  machine->cpus_online = notes.Number<int64_t>(
      "machine.cpus_online", PositiveOr(sysconf(_SC_NPROCESSORS_ONLN),
                                        "sysconf(_SC_NPROCESSORS_ONLN)"));
  machine->cpus_allowed =
      notes.Number<int64_t>("machine.cpus_allowed", CpusAllowed());
  machine->memory_total_bytes =
      notes.Number<int64_t>("machine.memory_total_bytes", MemTotalBytes(root));
  machine->scaling_governor =
      notes.Fact("machine.scaling_governor", ScalingGovernor(root));
  machine->load_average_at_start = options.start.load_average;
  if (!machine->load_average_at_start.has_value()) {
    notes.Add("machine.load_average_at_start",
              "not captured at the run's start (CaptureRunStart)");
  }
}

void CollectHarness(const EnvironmentOptions& options, Notes& notes,
                    HarnessFacts* harness) {
  if (options.workspace_directory.empty()) {
    const char* why =
        "no workspace directory (BUILD_WORKSPACE_DIRECTORY is set only under "
        "`bazel run`)";
    harness->workspace_directory =
        notes.Fact("harness.workspace_directory", "", why);
    harness->git_commit = notes.Fact("harness.git_commit", "", why);
    harness->git_tree = notes.Fact("harness.git_tree", "", why);
    return;
  }
  harness->workspace_directory = options.workspace_directory;
  const std::string git =
      options.git_path.empty() ? FindOnPath("git") : options.git_path;
  GitState state =
      ProbeGit(git, options.workspace_directory, options.git_timeout);
  harness->git_commit = std::move(state.commit);
  harness->git_tree = std::move(state.tree);
  for (std::string& note : state.notes) notes.AddLine(std::move(note));
}

std::map<std::string, std::string> GrpcEnv() {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    absl::string_view text(*entry);
    if (!absl::StartsWith(text, "GRPC_")) continue;
    const size_t equals = text.find('=');
    if (equals == absl::string_view::npos) continue;
    variables.emplace(std::string(text.substr(0, equals)),
                      std::string(text.substr(equals + 1)));
  }
  return variables;
}

}  // namespace

RunStart CaptureRunStart() {
  RunStart start;
  start.time = std::chrono::system_clock::now();
  double loads[3];
  if (getloadavg(loads, 3) == 3) {
    start.load_average = LoadAverage{loads[0], loads[1], loads[2]};
  }
  return start;
}

EnvironmentOptions EnvironmentOptionsFromProcess(const RunStart& start) {
  EnvironmentOptions options;
  options.start = start;
  if (const char* dir = std::getenv("BUILD_WORKSPACE_DIRECTORY")) {
    options.workspace_directory = dir;
  }
  if (const char* version = std::getenv("FORKCHECK_BAZEL_VERSION")) {
    options.bazel_version = version;
  }
  return options;
}

std::string FormatRfc3339Utc(std::chrono::system_clock::time_point time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", absl::FromChrono(time),
                          absl::UTCTimeZone());
}

Environment CollectEnvironment(const EnvironmentOptions& options) {
  Environment environment;
  Notes notes(&environment.notes);
  CollectGrpc(notes, &environment.grpc);
  CollectProtobuf(notes, &environment.protobuf);
  CollectBuild(options, notes, &environment.build);
  CollectMachine(options, notes, &environment.machine);
  CollectHarness(options, notes, &environment.harness);
  environment.grpc_env = GrpcEnv();
  if (options.start.time.has_value()) {
    environment.start_time = FormatRfc3339Utc(*options.start.time);
  } else {
    environment.start_time = notes.Fact(
        "start_time", "", "not captured at the run's start (CaptureRunStart)");
  }
  environment.end_time = FormatRfc3339Utc(std::chrono::system_clock::now());
  return environment;
}

}  // namespace forkcheck
