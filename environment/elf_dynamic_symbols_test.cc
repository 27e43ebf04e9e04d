#include "environment/elf_dynamic_symbols.h"

#include <elf.h>
#include <grpc/grpc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/file_util.h"
#include "common/runfiles.h"
#include "gmock/gmock.h"
#include "environment/loaded_objects.h"
#include "gtest/gtest.h"

namespace forkcheck {
namespace {

using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::Not;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string Testdata(const std::string& name) {
  auto path = RunfileExecutable("environment/" + name);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : "";
}

std::string ReadOrDie(const std::string& path) {
  auto contents = ReadFile(path, "test shared object");
  EXPECT_TRUE(contents.ok()) << contents.status();
  return contents.ok() ? *contents : "";
}

std::string LoadedObjectNamed(const std::string& basename) {
  for (const std::string& path : LoadedObjectPaths()) {
    if (path.size() >= basename.size() &&
        path.compare(path.size() - basename.size(), basename.size(),
                     basename) == 0) {
      return path;
    }
  }
  return "";
}

TEST(ElfDynamicSymbolsTest, ListsTheImportsOfALibraryCallingPthreadAtfork) {
  auto symbols =
      UndefinedDynamicSymbols(Testdata("libtestdata_atfork_user.so"));
  ASSERT_TRUE(symbols.ok()) << symbols.status();
  // glibc >= 2.34 imports __register_atfork, older ones pthread_atfork.
  EXPECT_THAT(*symbols,
              AnyOf(Contains("__register_atfork"), Contains("pthread_atfork")));
  // Defined here, so not an import.
  EXPECT_THAT(*symbols,
              Not(Contains("forkcheck_testdata_register_fork_handlers")));
}

TEST(ElfDynamicSymbolsTest, ListsTheImportsOfALibraryNotCallingIt) {
  auto symbols = UndefinedDynamicSymbols(Testdata("libtestdata_no_atfork.so"));
  ASSERT_TRUE(symbols.ok()) << symbols.status();
  EXPECT_THAT(*symbols, Contains("sysconf"));
  EXPECT_THAT(*symbols, Not(Contains("__register_atfork")));
  EXPECT_THAT(*symbols, Not(Contains("pthread_atfork")));
  EXPECT_THAT(*symbols, Not(Contains("forkcheck_testdata_page_size")));
}

TEST(ElfDynamicSymbolsTest, ReadsTheLoadedLibgrpc) {
  const std::string libgrpc =
      ObjectContaining(reinterpret_cast<const void*>(&grpc_version_string));
  ASSERT_TRUE(absl::StrContains(libgrpc, "libgrpc")) << libgrpc;
  auto symbols = UndefinedDynamicSymbols(libgrpc);
  ASSERT_TRUE(symbols.ok()) << symbols.status();
  // gRPC core takes its allocator and logging from libgpr...
  EXPECT_THAT(*symbols, Contains("gpr_malloc"));
  EXPECT_THAT(*symbols, Contains("gpr_log"));
  // ...and defines its own API.
  EXPECT_THAT(*symbols, Not(Contains("grpc_init")));
  EXPECT_THAT(*symbols, Not(Contains("grpc_version_string")));
}

TEST(ElfDynamicSymbolsTest, LibcDefinesRatherThanImportsAtfork) {
  const std::string libc = LoadedObjectNamed("/libc.so.6");
  ASSERT_FALSE(libc.empty());
  auto symbols = UndefinedDynamicSymbols(libc);
  ASSERT_TRUE(symbols.ok()) << symbols.status();
  // libc imports a little from the dynamic loader, and defines the rest.
  EXPECT_FALSE(symbols->empty());
  EXPECT_THAT(*symbols, Not(Contains("__register_atfork")));
  EXPECT_THAT(*symbols, Not(Contains("pthread_atfork")));
  EXPECT_THAT(*symbols, Not(Contains("malloc")));
  for (const std::string& symbol : *symbols) {
    EXPECT_FALSE(symbol.empty());
    EXPECT_EQ(symbol.find('@'), std::string::npos) << symbol;
  }
}

TEST(ElfDynamicSymbolsTest, FileErrorsNameThePath) {
  auto missing = UndefinedDynamicSymbols("/nonexistent/libgrpc.so.29");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(missing.status().message(),
                                "\"/nonexistent/libgrpc.so.29\""));

  auto directory = UndefinedDynamicSymbols(TempDir());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kFailedPrecondition);

  // A FIFO with no writer: refused at once, not waited on.
  const std::string fifo = TempDir() + "/elf_test_fifo";
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  auto pipe = UndefinedDynamicSymbols(fifo);
  ASSERT_FALSE(pipe.ok());
  EXPECT_EQ(pipe.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ElfDynamicSymbolsTest, GarbageIsAnErrorNotACrash) {
  for (const std::string& garbage :
       {std::string(),
        std::string("\x7f"
                    "EL"),
        std::string("#!/bin/sh\necho not a library\n"),
        std::string(4096, '\xff')}) {
    auto symbols = UndefinedDynamicSymbolsInImage(garbage, "garbage");
    ASSERT_FALSE(symbols.ok());
    EXPECT_EQ(symbols.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(symbols.status().message(),
                                  "\"garbage\" is not a readable ELF file"))
        << symbols.status();
  }
  // The same through a file.
  const std::string path = TempDir() + "/garbage.so";
  ASSERT_TRUE(WriteFileAtomically(path, "not ELF at all").ok());
  auto from_file = UndefinedDynamicSymbols(path);
  ASSERT_FALSE(from_file.ok());
  EXPECT_EQ(from_file.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(from_file.status().message(), path));
}

TEST(ElfDynamicSymbolsTest, OtherClassesAndByteOrdersAreUnimplemented) {
  const std::string image = ReadOrDie(Testdata("libtestdata_no_atfork.so"));
  ASSERT_GT(image.size(), size_t{EI_NIDENT});
  ASSERT_TRUE(UndefinedDynamicSymbolsInImage(image, "original").ok());

  std::string elf32 = image;
  elf32[EI_CLASS] = ELFCLASS32;
  auto as32 = UndefinedDynamicSymbolsInImage(elf32, "elf32");
  ASSERT_FALSE(as32.ok());
  EXPECT_EQ(as32.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(absl::StrContains(as32.status().message(), "64-bit"));

  std::string big_endian = image;
  big_endian[EI_DATA] = ELFDATA2MSB;
  auto as_big = UndefinedDynamicSymbolsInImage(big_endian, "msb");
  ASSERT_FALSE(as_big.ok());
  EXPECT_EQ(as_big.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_TRUE(absl::StrContains(as_big.status().message(), "little-endian"));
}

TEST(ElfDynamicSymbolsTest, EveryTruncationIsAnError) {
  const std::string image = ReadOrDie(Testdata("libtestdata_atfork_user.so"));
  ASSERT_FALSE(image.empty());
  // The section header table sits at the end of the file, so any proper
  // prefix loses part of it. Keep each prefix in a buffer of its own size,
  // so AddressSanitizer sees any read past its end.
  for (size_t size = 0; size < image.size(); ++size) {
    const std::vector<char> prefix(image.begin(), image.begin() + size);
    auto symbols = UndefinedDynamicSymbolsInImage(
        absl::string_view(prefix.data(), prefix.size()), "truncated");
    ASSERT_FALSE(symbols.ok()) << "prefix of " << size << " bytes";
    ASSERT_EQ(symbols.status().code(), absl::StatusCode::kInvalidArgument)
        << symbols.status();
  }
  auto half = UndefinedDynamicSymbolsInImage(
      absl::string_view(image).substr(0, image.size() / 2), "half");
  ASSERT_FALSE(half.ok());
  EXPECT_TRUE(absl::StrContains(half.status().message(), "past the end"))
      << half.status();
}

TEST(ElfDynamicSymbolsTest, CorruptHeadersAreErrorsNotCrashes) {
  const std::string image = ReadOrDie(Testdata("libtestdata_atfork_user.so"));
  Elf64_Ehdr header;
  ASSERT_GE(image.size(), sizeof(header));
  std::memcpy(&header, image.data(), sizeof(header));
  const size_t table_end =
      header.e_shoff + size_t{header.e_shnum} * header.e_shentsize;
  ASSERT_LE(table_end, image.size());

  // Every byte of the ELF header and of the section header table, set to
  // 0xff in turn: an offset or size now points anywhere.
  std::vector<size_t> positions;
  for (size_t i = 0; i < sizeof(header); ++i) positions.push_back(i);
  for (size_t i = header.e_shoff; i < table_end; ++i) positions.push_back(i);
  int errors = 0;
  for (size_t position : positions) {
    std::vector<char> corrupt(image.begin(), image.end());
    corrupt[position] = '\xff';
    auto symbols = UndefinedDynamicSymbolsInImage(
        absl::string_view(corrupt.data(), corrupt.size()), "corrupt");
    if (symbols.ok()) continue;  // a byte that does not matter
    ++errors;
    EXPECT_TRUE(absl::StrContains(symbols.status().message(), "\"corrupt\""))
        << symbols.status();
  }
  // e_shoff's high byte, at least, cannot go unnoticed.
  EXPECT_GT(errors, 0);

  // A symbol name offset past the string table.
  std::string bad_name = image;
  for (size_t i = 0; i < header.e_shnum; ++i) {
    Elf64_Shdr section;
    std::memcpy(&section,
                image.data() + header.e_shoff + i * header.e_shentsize,
                sizeof(section));
    if (section.sh_type != SHT_DYNSYM) continue;
    Elf64_Sym symbol;
    const size_t offset = section.sh_offset + section.sh_entsize;  // symbol 1
    std::memcpy(&symbol, image.data() + offset, sizeof(symbol));
    symbol.st_name = 0x7fffffff;
    symbol.st_shndx = SHN_UNDEF;
    std::memcpy(&bad_name[offset], &symbol, sizeof(symbol));
  }
  auto symbols = UndefinedDynamicSymbolsInImage(bad_name, "bad_name");
  ASSERT_FALSE(symbols.ok());
  EXPECT_TRUE(absl::StrContains(symbols.status().message(), ".dynstr"))
      << symbols.status();
}

}  // namespace
}  // namespace forkcheck
