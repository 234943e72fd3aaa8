# Finds the Debian packages of scripts/install-deps.sh and makes imported targets for the
# ones that ship no CMake config (CAF, lmdb++).
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
add_library(CAF::core UNKNOWN IMPORTED)
set_target_properties(CAF::core PROPERTIES
  IMPORTED_LOCATION "${CAF_CORE_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${CAF_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES Threads::Threads)

find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json url)
find_package(fmt 9 CONFIG REQUIRED)
find_package(spdlog 1.10 CONFIG REQUIRED)
find_package(OpenSSL 3 REQUIRED)
# Time zones for schedules (Howard Hinnant's date, the basis of C++20's chrono zones), reading
# the system's tzdata.
find_package(date CONFIG REQUIRED)
pkg_check_modules(LMDB REQUIRED IMPORTED_TARGET lmdb)
find_path(LMDBXX_INCLUDE_DIR lmdb++.h REQUIRED)
add_library(lmdbxx INTERFACE IMPORTED)
set_target_properties(lmdbxx PROPERTIES
  INTERFACE_INCLUDE_DIRECTORIES "${LMDBXX_INCLUDE_DIR}"
  INTERFACE_LINK_LIBRARIES PkgConfig::LMDB)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# zstd: large JSON values are stored compressed (src/adapters/store/value_compression.hpp).
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
find_package(prometheus-cpp CONFIG REQUIRED)

if(SETTLED_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(SETTLED_BUILD_BENCH)
  find_package(benchmark CONFIG REQUIRED)
endif()

# jemalloc: the engine allocates many small JSON values across threads; measured +50%
# executions/s over glibc malloc (bench/engine_bench.cpp). Not with sanitizers, which bring
# their own allocator.
if(SETTLED_JEMALLOC AND NOT SETTLED_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
