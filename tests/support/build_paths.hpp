#pragma once
// Where the tests find the binaries and the source tree. Defined in one generated file per
// build tree (tests/CMakeLists.txt), not as compiler flags: flags that name the build tree
// would make every test file's compile differ between trees and defeat the compiler cache.

namespace settled::testing::build_paths {
extern const char* const settled_binary;
extern const char* const settlectl_binary;
extern const char* const build_dir;
extern const char* const source_dir;
// A library that fails disk writes with EIO when preloaded (io_fault_shim.cpp).
extern const char* const io_fault_shim;
}  // namespace settled::testing::build_paths

#define SETTLED_BINARY ::settled::testing::build_paths::settled_binary
#define SETTLECTL_BINARY ::settled::testing::build_paths::settlectl_binary
#define SETTLED_BUILD_DIR ::settled::testing::build_paths::build_dir
#define SETTLED_SOURCE_DIR ::settled::testing::build_paths::source_dir
#define SETTLED_IO_FAULT_SHIM ::settled::testing::build_paths::io_fault_shim
