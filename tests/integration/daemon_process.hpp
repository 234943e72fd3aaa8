#pragma once
// Runs the real settled binary for integration tests: fork+exec, capture of its output,
// waiting for the ready line, and the ways a daemon can be ended (SIGTERM, SIGKILL).

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace settled::testing {

class DaemonProcess {
 public:
  // Starts `binary` with `args` (not including argv[0]). Its stdout and stderr go to one
  // pipe that a reader thread drains into a buffer, and into `log_path` if not empty.
  // The child gets SIGKILL if the thread that created it dies, so a crashed test leaves no
  // daemon behind; create it on a thread that outlives it. `extra_env` ("NAME=value") is added
  // to (or replaces in) the environment the child inherits.
  DaemonProcess(std::string binary, std::vector<std::string> args, std::string log_path = "",
                const std::vector<std::string>& extra_env = {});

  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // SIGKILL if still running, then reap.
  ~DaemonProcess();

  // Waits for the stdout line containing "settled ready" and returns the port of its
  // "http=HOST:PORT". Throws, with the captured output, if the process exits first or the
  // deadline passes.
  std::uint16_t wait_ready(std::chrono::seconds deadline = std::chrono::seconds(30));

  // The ready line found by wait_ready(), "" before.
  std::string ready_line();

  // SIGKILL and reap.
  void kill9();

  // SIGTERM, then wait. Returns the exit code, 128 + the signal if a signal ended it, or -1
  // if it had to be SIGKILLed at the deadline.
  int terminate(std::chrono::seconds deadline = std::chrono::seconds(30));

  // Sends `signal` (SIGTERM, SIGINT, ...), then waits as terminate() does.
  int stop_with(int signal, std::chrono::seconds deadline = std::chrono::seconds(30));

  bool running();

  // The first output line containing `needle`, waiting for it up to `deadline`; "" if it did
  // not come (or the daemon's output ended) in time.
  std::string wait_for_output(const std::string& needle,
                              std::chrono::seconds deadline = std::chrono::seconds(30));

  // Everything captured so far.
  std::string output();

  pid_t pid() const { return pid_; }

 private:
  static constexpr int kStillRunning = -1;

  // Reads until EOF; polls so that the destructor can stop it even if a grandchild holds
  // the write end open.
  void drain();

  // Caller holds mutex_.
  std::string find_ready_line() const;

  std::uint16_t parse_port(const std::string& line) const;

  // Caller holds reap_mutex_. True while the child runs.
  bool reap_locked(int flags);

  // The wait status once the child has exited, or kStillRunning at the deadline.
  int wait_exit(std::chrono::steady_clock::duration deadline);

  static int exit_code(int status);

  static std::string describe(int status);

  std::string binary_;
  pid_t pid_ = -1;
  int read_fd_ = -1;
  std::thread reader_;
  std::atomic<bool> stop_reader_{false};

  std::mutex mutex_;  // guards output_, log_, reader_done_, ready_line_
  std::condition_variable cv_;
  std::string output_;
  std::ofstream log_;
  bool reader_done_ = false;
  std::string ready_line_;

  std::mutex reap_mutex_;  // guards reaped_, status_
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace settled::testing
