// The admin socket's server (src/adapters/admin/admin_server.hpp) in-process, with a handler the
// test answers when it chooses: a connection is read no further while max_unanswered of its
// commands have no answer written, whether the commands still run or their answers wait for a
// client that does not read them; once answers are written it is read again and loses nothing.

#include "adapters/admin/admin_server.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <boost/asio.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <poll.h>
#include <sys/socket.h>

namespace settled::adapters {
namespace {

namespace json = boost::json;
namespace net = boost::asio;
using local = net::local::stream_protocol;
using settled::testing::eventually;

constexpr int kPipelined = 40;

class AdminServerTest : public ::testing::Test {
 protected:
  // `answer_size`: 0 holds each command's reply until release(); otherwise every command is
  // answered at once with a string of that many bytes.
  void start(std::size_t answer_size) {
    AdminServerOptions options;
    options.path = dir_.path() + "/admin.sock";
    auto server = AdminServer::start(
        options,
        [this, answer_size](const std::string& command, const json::object&, AdminReply reply) {
          if (command == "mark") return reply(json::value("marked"));
          std::lock_guard<std::mutex> lock(mutex_);
          ++commands_;
          if (answer_size > 0) return reply(json::value(std::string(answer_size, 'a')));
          held_.push_back(std::move(reply));
        });
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    max_ = options.max_unanswered;
  }

  std::unique_ptr<local::socket> connect() {
    auto socket = std::make_unique<local::socket>(io_);
    socket->connect(local::endpoint(dir_.path() + "/admin.sock"));
    return socket;
  }

  // Writes the commands {"id": 0..n-1, "command": "run"} at once, reading nothing.
  static void pipeline(local::socket& socket, int n) {
    std::string lines;
    for (int i = 0; i < n; ++i)
      lines += R"({"id":)" + std::to_string(i) +
               R"(,"command":"run"})"
               "\n";
    net::write(socket, net::buffer(lines));
  }

  // The next `n` lines within 10 s (fewer on a deadline, EOF or error).
  static std::vector<std::string> read_lines(local::socket& socket, std::size_t n,
                                             std::string& buffer) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<std::string> lines;
    while (lines.size() < n) {
      if (const auto end = buffer.find('\n'); end != std::string::npos) {
        lines.push_back(buffer.substr(0, end));
        buffer.erase(0, end + 1);
        continue;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      pollfd p{socket.native_handle(), POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) break;
      char chunk[65536];
      const auto got = ::recv(socket.native_handle(), chunk, sizeof chunk, 0);
      if (got <= 0) break;
      buffer.append(chunk, static_cast<std::size_t>(got));
    }
    return lines;
  }

  // Every command the server has read so far, on any connection, has reached the handler once
  // another connection's command has been read and answered after them.
  void mark() {
    auto other = connect();
    net::write(*other, net::buffer(std::string(R"({"id":"m","command":"mark"})"
                                               "\n")));
    std::string buffer;
    const auto answer = read_lines(*other, 1, buffer);
    ASSERT_EQ(answer.size(), 1u);
    EXPECT_EQ(json::parse(answer[0]).at("result"), "marked");
  }

  int commands() {
    std::lock_guard<std::mutex> lock(mutex_);
    return commands_;
  }

  void release() {
    std::vector<AdminReply> replies;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      replies.swap(held_);
    }
    for (auto& reply : replies) reply(json::value("done"));
  }

  // The ids of answers, each expected once.
  static std::set<std::int64_t> ids(const std::vector<std::string>& lines) {
    std::set<std::int64_t> out;
    for (const auto& line : lines) {
      const auto answer = json::parse(line);
      EXPECT_TRUE(answer.at("ok").as_bool()) << line.substr(0, 200);
      EXPECT_TRUE(out.insert(answer.at("id").as_int64()).second) << line.substr(0, 200);
    }
    return out;
  }

  settled::testing::TempDir dir_;
  net::io_context io_;
  std::unique_ptr<AdminServer> server_;
  std::size_t max_ = 0;
  std::mutex mutex_;
  int commands_ = 0;
  std::vector<AdminReply> held_;
};

// Before the bound, all 40 commands ran at once and answers to a client that never read them
// piled up without end.
TEST_F(AdminServerTest, PipelinedCommandsStopBeingReadAtTheBoundUntilTheirAnswersAreWritten) {
  start(0);
  ASSERT_EQ(max_, 16u);
  auto client = connect();
  pipeline(*client, kPipelined);
  ASSERT_TRUE(eventually([&] { return commands() >= 16; }));
  mark();
  EXPECT_EQ(commands(), 16);  // the 17th stays unread while 16 are unanswered
  // Each answer written lets the server read on; none is lost on the way.
  std::string buffer;
  std::set<std::int64_t> answered;
  while (answered.size() < static_cast<std::size_t>(kPipelined)) {
    const int before = commands();
    release();
    const auto expected = static_cast<std::size_t>(before) - answered.size();
    for (auto id : ids(read_lines(*client, expected, buffer))) answered.insert(id);
    ASSERT_EQ(answered.size(), static_cast<std::size_t>(before));
    ASSERT_TRUE(eventually([&] { return commands() == std::min(before + 16, kPipelined); }));
  }
  EXPECT_EQ(answered.size(), static_cast<std::size_t>(kPipelined));
  EXPECT_EQ(*answered.rbegin(), kPipelined - 1);
}

// Answered at once but never read: answers of 1 MiB fill the socket, the server keeps 16 of them
// at most and reads nothing more until the client reads.
TEST_F(AdminServerTest, AnswersAClientDoesNotReadStopItsCommandsBeingRead) {
  start(std::size_t{1} << 20);
  auto client = connect();
  pipeline(*client, kPipelined);
  ASSERT_TRUE(eventually([&] { return commands() >= 16; }));
  mark();
  EXPECT_EQ(commands(), 16);
  std::string buffer;
  const auto answered = ids(read_lines(*client, kPipelined, buffer));
  EXPECT_EQ(answered.size(), static_cast<std::size_t>(kPipelined));
  EXPECT_EQ(commands(), kPipelined);
}

}  // namespace
}  // namespace settled::adapters
