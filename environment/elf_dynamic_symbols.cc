#include "environment/elf_dynamic_symbols.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace forkcheck {
namespace {

// Larger than any shared library worth probing; keeps a wrong path (a disk
// image, say) from being read into memory.
constexpr uint64_t kMaxFileBytes = uint64_t{1} << 30;

std::string Quoted(absl::string_view s) { return absl::StrCat("\"", s, "\""); }

absl::Status Malformed(absl::string_view name, absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat(Quoted(name), " is not a readable ELF file: ", detail));
}

// Whether [offset, offset + size) lies within [0, limit), without overflow.
bool InBounds(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

// Copies a T from `image` at `offset` (memcpy: the offset need not be
// aligned). False, leaving *out alone, if it does not fit.
template <typename T>
bool ReadAt(absl::string_view image, uint64_t offset, T* out) {
  if (!InBounds(offset, sizeof(T), image.size())) return false;
  std::memcpy(out, image.data() + offset, sizeof(T));
  return true;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", Quoted(path), ": ", std::strerror(errno)));
  }
  struct stat info;
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat(Quoted(path), " is not a regular file"));
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxFileBytes) {
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(
        Quoted(path), " is ", info.st_size,
        " bytes, more than an ELF symbol reader reads (", kMaxFileBytes, ")"));
  }
  std::string contents(static_cast<size_t>(info.st_size), '\0');
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = pread(fd, &contents[done], contents.size() - done,
                            static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot read ", Quoted(path), ": ", std::strerror(error)));
    }
    if (n == 0) break;  // shrank since fstat: parse what is there
    done += static_cast<size_t>(n);
  }
  close(fd);
  contents.resize(done);
  return contents;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> UndefinedDynamicSymbolsInImage(
    absl::string_view image, absl::string_view name) {
  if (image.size() < EI_NIDENT ||
      std::memcmp(image.data(), ELFMAG, SELFMAG) != 0) {
    return Malformed(name, "no ELF magic number");
  }
  const int elf_class = static_cast<unsigned char>(image[EI_CLASS]);
  const int encoding = static_cast<unsigned char>(image[EI_DATA]);
  if (elf_class != ELFCLASS64) {
    return absl::UnimplementedError(
        absl::StrCat(Quoted(name), " is ELF class ", elf_class,
                     "; only 64-bit ELF (class 2) is read"));
  }
  if (encoding != ELFDATA2LSB) {
    return absl::UnimplementedError(
        absl::StrCat(Quoted(name), " has ELF data encoding ", encoding,
                     "; only little-endian (1) is read"));
  }
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
  // The structs below are read in host byte order.
  return absl::UnimplementedError(
      "reading ELF symbols is implemented on little-endian hosts only");
#endif

  Elf64_Ehdr header;
  if (!ReadAt(image, 0, &header)) {
    return Malformed(
        name, absl::StrCat("ELF header truncated at ", image.size(), " bytes"));
  }
  if (header.e_shoff == 0) return Malformed(name, "no section header table");
  if (header.e_shentsize < sizeof(Elf64_Shdr)) {
    return Malformed(name,
                     absl::StrCat("section header size ", header.e_shentsize,
                                  " is below ", sizeof(Elf64_Shdr)));
  }
  const uint64_t entry_size = header.e_shentsize;
  uint64_t section_count = header.e_shnum;
  if (section_count == 0) {
    // More than SHN_LORESERVE sections: the count is in section 0's sh_size.
    Elf64_Shdr first;
    if (!ReadAt(image, header.e_shoff, &first)) {
      return Malformed(
          name, absl::StrCat("section header table offset ", header.e_shoff,
                             " is past the end (", image.size(), " bytes)"));
    }
    section_count = first.sh_size;
  }
  if (header.e_shoff > image.size() ||
      section_count > (image.size() - header.e_shoff) / entry_size) {
    return Malformed(
        name, absl::StrCat("section header table (", section_count, " x ",
                           entry_size, " bytes at offset ", header.e_shoff,
                           ") runs past the end of the file (", image.size(),
                           " bytes)"));
  }
  auto section = [&](uint64_t index) {
    // Always in bounds (index < section_count, checked above); zeroed all
    // the same, so a mistake here reads as "no such section", not garbage.
    Elf64_Shdr s{};
    ReadAt(image, header.e_shoff + index * entry_size, &s);
    return s;
  };

  uint64_t dynsym_index = 0;
  while (dynsym_index < section_count &&
         section(dynsym_index).sh_type != SHT_DYNSYM) {
    ++dynsym_index;
  }
  if (dynsym_index == section_count) {
    return Malformed(name, "no .dynsym section (statically linked?)");
  }
  const Elf64_Shdr dynsym = section(dynsym_index);
  if (dynsym.sh_entsize < sizeof(Elf64_Sym)) {
    return Malformed(name,
                     absl::StrCat(".dynsym entry size ", dynsym.sh_entsize,
                                  " is below ", sizeof(Elf64_Sym)));
  }
  if (!InBounds(dynsym.sh_offset, dynsym.sh_size, image.size())) {
    return Malformed(name, absl::StrCat(".dynsym (", dynsym.sh_size,
                                        " bytes at offset ", dynsym.sh_offset,
                                        ") runs past the end of the file (",
                                        image.size(), " bytes)"));
  }
  if (dynsym.sh_link == 0 || dynsym.sh_link >= section_count) {
    return Malformed(name, absl::StrCat(".dynsym links to section ",
                                        dynsym.sh_link, " of ", section_count));
  }
  const Elf64_Shdr strtab = section(dynsym.sh_link);
  if (strtab.sh_type != SHT_STRTAB) {
    return Malformed(
        name, absl::StrCat(".dynsym's string table (section ", dynsym.sh_link,
                           ") has type ", strtab.sh_type, ", not SHT_STRTAB"));
  }
  if (!InBounds(strtab.sh_offset, strtab.sh_size, image.size())) {
    return Malformed(name, absl::StrCat(".dynstr (", strtab.sh_size,
                                        " bytes at offset ", strtab.sh_offset,
                                        ") runs past the end of the file (",
                                        image.size(), " bytes)"));
  }
  const absl::string_view strings =
      image.substr(strtab.sh_offset, strtab.sh_size);

  std::vector<std::string> undefined;
  const uint64_t symbol_count = dynsym.sh_size / dynsym.sh_entsize;
  // Symbol 0 is the reserved null symbol.
  for (uint64_t i = 1; i < symbol_count; ++i) {
    Elf64_Sym symbol{};
    if (!ReadAt(image, dynsym.sh_offset + i * dynsym.sh_entsize, &symbol)) {
      return Malformed(name, absl::StrCat("symbol ", i, " is past the end"));
    }
    if (symbol.st_shndx != SHN_UNDEF || symbol.st_name == 0) continue;
    if (symbol.st_name >= strings.size()) {
      return Malformed(
          name,
          absl::StrCat("symbol ", i, "'s name offset ", symbol.st_name,
                       " is past .dynstr's end (", strings.size(), " bytes)"));
    }
    const absl::string_view rest = strings.substr(symbol.st_name);
    const size_t end = rest.find('\0');
    if (end == absl::string_view::npos) {
      return Malformed(
          name, absl::StrCat("symbol ", i, "'s name runs past .dynstr's end"));
    }
    undefined.emplace_back(rest.substr(0, end));
  }
  return undefined;
}

absl::StatusOr<std::vector<std::string>> UndefinedDynamicSymbols(
    const std::string& path) {
  absl::StatusOr<std::string> image = ReadWholeFile(path);
  if (!image.ok()) return image.status();
  return UndefinedDynamicSymbolsInImage(*image, path);
}

}  // namespace forkcheck
