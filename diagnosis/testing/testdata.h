// The texts under diagnosis/testdata/, captured from real gdb and
// faulthandler runs, for the parser and signature tests.
#ifndef FORKCHECK_DIAGNOSIS_TESTING_TESTDATA_H_
#define FORKCHECK_DIAGNOSIS_TESTING_TESTDATA_H_

#include <string>

namespace forkcheck {

// The file's text; "" and a test failure if it is not among the runfiles.
std::string ReadTestdata(const std::string& name);

}  // namespace forkcheck

#endif  // FORKCHECK_DIAGNOSIS_TESTING_TESTDATA_H_
