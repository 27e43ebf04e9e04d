// What differs between the environments of two reports (gRPC, kernel,
// machine, build, GRPC_* variables...), and whether they ran on different
// machines, which makes their timings incomparable.
#ifndef FORKCHECK_REPORTS_COMPARE_ENVIRONMENT_DIFF_H_
#define FORKCHECK_REPORTS_COMPARE_ENVIRONMENT_DIFF_H_

#include <map>
#include <string>
#include <vector>

#include "environment/environment.h"

namespace forkcheck {

struct EnvironmentDifference {
  std::string field;      // dotted path, e.g. "grpc.cpp_version", "grpc_env.X"
  std::string old_value;  // "(absent)" when one side lacks the field
  std::string new_value;
  // Could change a conformance outcome: gRPC and Protobuf, GRPC_*
  // variables, the kernel, the build's configuration and sanitizers.
  bool affects_outcomes = false;
};

struct EnvironmentDiff {
  std::vector<EnvironmentDifference> differences;  // by field
  // Another hostname, CPU model, CPU count or memory size.
  bool different_machines = false;
};

// The facts a comparison looks at, by their dotted path in the report
// ("machine.cpus_online", "grpc_env.GRPC_TRACE"), as text: a list as a JSON
// array, an unread number as "unknown". Facts that differ between any two
// runs (start and end time, load average, notes) are left out.
std::map<std::string, std::string> ComparedFacts(
    const Environment& environment);

// Compares two reports' environments, fact by fact (ComparedFacts).
EnvironmentDiff DiffEnvironments(const Environment& old_environment,
                                 const Environment& new_environment);

}  // namespace forkcheck

#endif  // FORKCHECK_REPORTS_COMPARE_ENVIRONMENT_DIFF_H_
