#include "integration/daemon_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

namespace settled::testing {

DaemonProcess::DaemonProcess(std::string binary, std::vector<std::string> args,
                             std::string log_path, const std::vector<std::string>& extra_env)
    : binary_(std::move(binary)) {
  if (!log_path.empty()) log_.open(log_path, std::ios::app);

  std::vector<std::string> argv_strings;
  argv_strings.push_back(binary_);
  for (auto& arg : args) argv_strings.push_back(std::move(arg));
  // Built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings = extra_env;
  for (char** e = environ; *e; ++e) {
    const std::string_view entry(*e);
    const auto named = [&](const std::string& extra) {
      return extra.substr(0, extra.find('=') + 1) == entry.substr(0, entry.find('=') + 1);
    };
    if (std::none_of(extra_env.begin(), extra_env.end(), named)) env_strings.emplace_back(entry);
  }
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) {
    const int error = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::system_error(error, std::generic_category(), "fork");
  }
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(126);  // the parent died before prctl
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::execvpe(argv[0], argv.data(), envp.data());
    static const char kMessage[] = "DaemonProcess: exec failed\n";
    [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    ::_exit(127);
  }
  ::close(fds[1]);
  read_fd_ = fds[0];
  reader_ = std::thread([this] { drain(); });
}

DaemonProcess::~DaemonProcess() {
  if (running()) kill9();
  stop_reader_ = true;
  if (reader_.joinable()) reader_.join();
  if (read_fd_ >= 0) ::close(read_fd_);
}

std::uint16_t DaemonProcess::wait_ready(std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    if (auto line = find_ready_line(); !line.empty()) {
      ready_line_ = line;
      return parse_port(line);
    }
    if (reader_done_) {
      lock.unlock();
      const int status = wait_exit(std::chrono::seconds(5));
      throw std::runtime_error("settled exited before it was ready (" + describe(status) +
                               "); output:\n" + output());
    }
    if (std::chrono::steady_clock::now() >= until) {
      lock.unlock();
      throw std::runtime_error("settled was not ready within " + std::to_string(deadline.count()) +
                               "s; output:\n" + output());
    }
    cv_.wait_until(
        lock, std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
  }
}

std::string DaemonProcess::ready_line() {
  std::lock_guard<std::mutex> lock(mutex_);
  return ready_line_;
}

void DaemonProcess::kill9() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  wait_exit(std::chrono::hours(1));
}

int DaemonProcess::terminate(std::chrono::seconds deadline) {
  return stop_with(SIGTERM, deadline);
}

int DaemonProcess::stop_with(int signal, std::chrono::seconds deadline) {
  if (running()) ::kill(pid_, signal);
  const int status = wait_exit(deadline);
  if (status == kStillRunning) {
    kill9();
    return -1;
  }
  return exit_code(status);
}

bool DaemonProcess::running() {
  std::lock_guard<std::mutex> lock(reap_mutex_);
  return reap_locked(WNOHANG);
}

std::string DaemonProcess::wait_for_output(const std::string& needle,
                                           std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    const std::size_t at = output_.find(needle);
    if (at != std::string::npos) {
      const std::size_t begin = output_.rfind('\n', at);
      const std::size_t end = output_.find('\n', at);
      const std::size_t from = begin == std::string::npos ? 0 : begin + 1;
      return output_.substr(from, end == std::string::npos ? std::string::npos : end - from);
    }
    if (reader_done_ || std::chrono::steady_clock::now() >= until) return "";
    cv_.wait_until(lock, until);
  }
}

std::string DaemonProcess::output() {
  std::lock_guard<std::mutex> lock(mutex_);
  return output_;
}

void DaemonProcess::drain() {
  char buffer[4096];
  for (;;) {
    pollfd fd{read_fd_, POLLIN, 0};
    const int ready = ::poll(&fd, 1, 100);
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) {
      if (stop_reader_) break;
      continue;
    }
    const ssize_t n = ::read(read_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::lock_guard<std::mutex> lock(mutex_);
    output_.append(buffer, static_cast<std::size_t>(n));
    if (log_.is_open()) {
      log_.write(buffer, n);
      log_.flush();
    }
    cv_.notify_all();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  reader_done_ = true;
  cv_.notify_all();
}

std::string DaemonProcess::find_ready_line() const {
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = output_.find('\n', start);
    if (end == std::string::npos) return "";
    std::string_view line(output_.data() + start, end - start);
    if (line.find("settled ready") != std::string_view::npos) return std::string(line);
    start = end + 1;
  }
}

std::uint16_t DaemonProcess::parse_port(const std::string& line) const {
  const std::size_t at = line.find("http=");
  if (at == std::string::npos) {
    throw std::runtime_error("ready line has no http=HOST:PORT: " + line);
  }
  const std::size_t end = line.find_first_of(" \t\r", at);
  const std::string address = line.substr(at + 5, end == std::string::npos ? end : end - at - 5);
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) {
    throw std::runtime_error("ready line has no port in http=: " + line);
  }
  const unsigned long port = std::strtoul(address.c_str() + colon + 1, nullptr, 10);
  if (port == 0 || port > 65535) throw std::runtime_error("bad port in ready line: " + line);
  return static_cast<std::uint16_t>(port);
}

bool DaemonProcess::reap_locked(int flags) {
  if (reaped_) return false;
  int status = 0;
  pid_t result;
  do {
    result = ::waitpid(pid_, &status, flags);
  } while (result < 0 && errno == EINTR);
  if (result == 0) return true;
  reaped_ = true;
  status_ = result == pid_ ? status : 0;
  return false;
}

int DaemonProcess::wait_exit(std::chrono::steady_clock::duration deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(reap_mutex_);
      if (!reap_locked(WNOHANG)) return status_;
    }
    if (std::chrono::steady_clock::now() >= until) return kStillRunning;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int DaemonProcess::exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return status;
}

std::string DaemonProcess::describe(int status) {
  if (status == kStillRunning) return "still running";
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace settled::testing
