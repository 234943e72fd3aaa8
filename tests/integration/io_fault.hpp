#pragma once
// A disk that fails on demand: the environment that preloads the EIO shim
// (tests/support/io_fault_shim.cpp) into a daemon, and the switch that turns the failures on and
// off while it runs. Only files under `data_dir` fail; the daemon's binary is the real one.

#include "support/build_paths.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace settled::testing {

class IoFault {
 public:
  // `calls`: which calls fail (the shim's SETTLED_TEST_EIO_CALLS; empty: every write and sync);
  // `delay_ms`: how long a failing call takes.
  IoFault(std::string data_dir, std::string flag_path, std::string calls = "", int delay_ms = 0)
      : data_dir_(std::move(data_dir)),
        flag_(std::move(flag_path)),
        calls_(std::move(calls)),
        delay_ms_(delay_ms) {}

  std::vector<std::string> env() const {
    std::vector<std::string> env{std::string("LD_PRELOAD=") + SETTLED_IO_FAULT_SHIM,
                                 "SETTLED_TEST_EIO_DIR=" + data_dir_,
                                 "SETTLED_TEST_EIO_FLAG=" + flag_};
    if (!calls_.empty()) env.push_back("SETTLED_TEST_EIO_CALLS=" + calls_);
    if (delay_ms_ > 0) env.push_back("SETTLED_TEST_EIO_DELAY_MS=" + std::to_string(delay_ms_));
    // A sanitizer build's runtime would refuse to start behind a preloaded library.
    const char* asan = std::getenv("ASAN_OPTIONS");
    env.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                  "verify_asan_link_order=0");
    return env;
  }

  void fail() { std::ofstream(flag_) << "EIO\n"; }
  void heal() { std::filesystem::remove(flag_); }

 private:
  std::string data_dir_;
  std::string flag_;
  std::string calls_;
  int delay_ms_ = 0;
};

}  // namespace settled::testing
