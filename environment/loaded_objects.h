// Which files the dynamic linker has loaded into this process.
#ifndef FORKCHECK_ENVIRONMENT_LOADED_OBJECTS_H_
#define FORKCHECK_ENVIRONMENT_LOADED_OBJECTS_H_

#include <string>
#include <vector>

namespace forkcheck {

// The paths of the loaded shared objects, in load order, as the loader names
// them (e.g. "/lib/x86_64-linux-gnu/libc.so.6"). Excludes the executable,
// which the loader lists without a name; the vDSO may appear under its
// soname ("linux-vdso.so.1"), which is not a file.
std::vector<std::string> LoadedObjectPaths();

// The path of the loaded object containing `address` (dladdr), or "" if none
// does. For an address in the executable this is the executable's name as
// the loader knows it (possibly argv[0]).
std::string ObjectContaining(const void* address);

}  // namespace forkcheck

#endif  // FORKCHECK_ENVIRONMENT_LOADED_OBJECTS_H_
