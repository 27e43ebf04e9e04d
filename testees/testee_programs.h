// The testee programs (protos/forkcheck/testee.proto) this build has: the
// clients the matrix and the benchmarks can run, the C++ reference client
// (//models:trial_program) and those of other languages.
#ifndef FORKCHECK_TESTEES_TESTEE_PROGRAMS_H_
#define FORKCHECK_TESTEES_TESTEE_PROGRAMS_H_

#include <map>
#include <string>

#include "supervisor/testee.h"

namespace forkcheck {

// The testee programs among the runfiles of `argv0` (of the test, with ""),
// by client name, each with the runfiles environment of `argv0`
// (RunfilesEnvironment) to run it with. A client whose program is missing
// is left out: the caller says it was skipped.
std::map<std::string, TesteeProgram> TesteePrograms(const std::string& argv0);

}  // namespace forkcheck

#endif  // FORKCHECK_TESTEES_TESTEE_PROGRAMS_H_
