// The undefined (imported) symbols of an ELF shared object, read from its
// .dynsym section: what the dynamic linker must find elsewhere for it.
// Reads the file only; never loads or runs it.
#ifndef FORKCHECK_ENVIRONMENT_ELF_DYNAMIC_SYMBOLS_H_
#define FORKCHECK_ENVIRONMENT_ELF_DYNAMIC_SYMBOLS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace forkcheck {

// Names of the undefined symbols in the .dynsym of the ELF file at `path`,
// in table order, without version suffixes (.dynsym names carry none; the
// versions live in .gnu.version). Only 64-bit little-endian ELF is read.
// Errors, each naming the path:
//   NOT_FOUND            the file cannot be opened;
//   FAILED_PRECONDITION  not a regular file, unreadable, or over 1 GiB;
//   UNIMPLEMENTED        ELF, but 32-bit or big-endian;
//   INVALID_ARGUMENT     not ELF, or truncated/malformed (an offset or size
//                        outside the file, no .dynsym section, ...).
absl::StatusOr<std::vector<std::string>> UndefinedDynamicSymbols(
    const std::string& path);

// The same, for a file's contents already in memory. `name` stands for the
// file in errors. Every offset is checked against `image.size()`.
absl::StatusOr<std::vector<std::string>> UndefinedDynamicSymbolsInImage(
    absl::string_view image, absl::string_view name);

}  // namespace forkcheck

#endif  // FORKCHECK_ENVIRONMENT_ELF_DYNAMIC_SYMBOLS_H_
