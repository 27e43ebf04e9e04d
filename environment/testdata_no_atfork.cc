// Test data: a shared library that imports a libc function but never
// pthread_atfork, like Debian's libgrpc.
#include <unistd.h>

extern "C" long forkcheck_testdata_page_size() { return sysconf(_SC_PAGESIZE); }
