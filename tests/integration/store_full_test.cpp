// A full LMDB map is a clean 503 StoreFull, never a crash or a half write: the refused start
// leaves no execution behind and the daemon keeps serving what it already holds. Executions
// caught between transitions stay at their last durable one and retry the commit.

#include "integration/command.hpp"
#include "integration/daemon_fixture.hpp"

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace settled::testing {
namespace {

// A small tmpfs of its own, unmounted (lazily, so even with files open) however the test ends.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(std::string path, const char* size) : path_(std::move(path)) {
    std::filesystem::create_directories(path_);
    if (::geteuid() != 0) {
      why_not_ = "not root";
    } else if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) !=
               0) {
      why_not_ = std::string("mount -t tmpfs refused: ") + std::strerror(errno);
    } else {
      mounted_ = true;
    }
  }
  ~SmallFilesystem() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
  }
  SmallFilesystem(const SmallFilesystem&) = delete;
  SmallFilesystem& operator=(const SmallFilesystem&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& why_not() const { return why_not_; }

  // Writes a filler file until the file system refuses (ENOSPC); returns the bytes written.
  std::size_t fill(const std::string& name) {
    std::FILE* f = std::fopen((path_ + "/" + name).c_str(), "wb");
    if (!f) return 0;
    const std::string chunk(64 << 10, 'f');
    std::size_t written = 0;
    for (;;) {
      const std::size_t n = std::fwrite(chunk.data(), 1, chunk.size(), f);
      written += n;
      if (n < chunk.size() || std::fflush(f) != 0) break;
    }
    std::fclose(f);
    return written;
  }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string why_not_;
};

class StoreFull : public DaemonTest {
 protected:
  void SetUp() override {}  // started with a tiny map below
};

TEST_F(StoreFull, AFullStoreAnswers503AndKeepsServing) {
  daemon_ = std::make_unique<DaemonProcess>(
      SETTLED_BINARY,
      std::vector<std::string>{
          "--data-dir=" + dir_.path() + "/var", "--http=127.0.0.1:0", "--map-size-mib=1",
          "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"},
      dir_.path() + "/daemon.log");
  port_ = daemon_->wait_ready();
  client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  auto ready = client_->get("/readyz");
  EXPECT_EQ(ready.status, 200u) << ready.body;

  int accepted = 0;
  std::string refused_id;
  HttpResult refusal;
  for (int i = 0; i < 5000 && refused_id.empty(); ++i) {
    const std::string id = "fill-" + std::to_string(i);
    auto res = start_payment(id, "pm_card_chargeDeclined");
    if (res.status == 201) {
      // The first ones run to the end; later ones may be caught mid-way by the full map and
      // stay RUNNING at their last durable transition, retrying the commit.
      if (++accepted <= 3) wait_final("payment:" + id);
    } else {
      refused_id = id;
      refusal = res;
    }
  }
  ASSERT_FALSE(refused_id.empty()) << "a 1 MiB store never filled up";
  EXPECT_GT(accepted, 0);
  EXPECT_EQ(refusal.status, 503u) << refusal.body;
  EXPECT_EQ(refusal.json().at("error").as_string(), "StoreFull");
  EXPECT_TRUE(daemon_->running());
  EXPECT_EQ(client_->get("/healthz").status, 200u);
  // Not ready: the heartbeat still commits (a rewrite recycles its own pages) but nothing new
  // fits, and readiness says so instead of sending traffic to a daemon that refuses it.
  auto not_ready = client_->get("/readyz");
  EXPECT_EQ(not_ready.status, 503u) << not_ready.body;
  EXPECT_NE(not_ready.body.find("StoreFull"), std::string::npos) << not_ready.body;
  EXPECT_EQ(client_->get("/v1/executions/payment:" + refused_id).status, 404u);
  auto earlier = client_->get("/v1/executions/payment:fill-0");
  ASSERT_EQ(earlier.status, 200u);
  EXPECT_EQ(earlier.json().at("status").as_string(), "FAILED");
  EXPECT_EQ(earlier.json().at("error").as_string(), "Payment.Declined");
  EXPECT_NE(daemon_->wait_for_output("StoreFull"), "");

  // The alerts actor looks at the map every 10 s and raises one alert when it is 90% full.
  EXPECT_NE(daemon_->wait_for_output("store_near_full", std::chrono::seconds(20)), "")
      << "no store-near-full alert";
  auto metrics = client_->get("/metrics");
  EXPECT_NE(metrics.body.find(R"(settled_alerts_total{source="store_near_full"} 1)"),
            std::string::npos);
}

// A full disk (ENOSPC, not LMDB's map) on a real daemon: writes get 503 StoreFull, reads keep
// working, one alert goes out, readiness says why; once space returns, writes succeed again
// without a restart.
TEST_F(StoreFull, AFullDiskAnswers503KeepsReadsAndRecoversWhenSpaceReturns) {
  SmallFilesystem disk(dir_.path() + "/disk", "8m");
  if (!disk.mounted()) GTEST_SKIP() << "needs a tmpfs of its own (" << disk.why_not() << ")";
  const std::string data_dir = dir_.path() + "/disk/var";
  daemon_ = std::make_unique<DaemonProcess>(
      SETTLED_BINARY,
      std::vector<std::string>{
          "--data-dir=" + data_dir, "--http=127.0.0.1:0",
          "--workflows-dir=" + std::string(SETTLED_SOURCE_DIR) + "/config/workflows"},
      dir_.path() + "/daemon.log");
  // The daemon goes before the mount does, whatever happens below.
  struct StopFirst {
    std::unique_ptr<DaemonProcess>& daemon;
    ~StopFirst() { daemon.reset(); }
  } stop_first{daemon_};
  port_ = daemon_->wait_ready();
  client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
  ASSERT_EQ(start_payment("before", "pm_card_visa").status, 201u);
  EXPECT_EQ(wait_final("payment:before").at("status").as_string(), "SUCCEEDED");

  ASSERT_GT(disk.fill("filler"), 0u);
  // LMDB may still reuse a few freed pages; within a few starts one must need new ones.
  HttpResult refusal;
  for (int i = 0; i < 200 && refusal.status != 503u; ++i) {
    auto res = start_payment("full-" + std::to_string(i), "pm_card_visa");
    if (res.status != 201u) refusal = res;
  }
  ASSERT_EQ(refusal.status, 503u) << refusal.body;
  EXPECT_EQ(refusal.json().at("error").as_string(), "StoreFull") << refusal.body;

  // One alert for the whole episode, however many commits fail.
  EXPECT_NE(daemon_->wait_for_output("\"source\":\"store_full\"", std::chrono::seconds(10)), "");
  // The gauge went to 0 with it. It may already be 1 again: a nearly full disk flaps (a small
  // commit of a payment admitted before the refusals can reuse a freed page), so the
  // transition's log line is what is checked, not the gauge's value at this instant.
  EXPECT_NE(daemon_->wait_for_output("store.unwritable", std::chrono::seconds(10)), "");
  for (int i = 0; i < 5; ++i) (void)start_payment("more-" + std::to_string(i), "pm_card_visa");
  auto metrics = client_->get("/metrics");
  EXPECT_NE(metrics.body.find(R"(settled_alerts_total{source="store_full"} 1)"), std::string::npos)
      << metrics.body;

  // Reads go on; liveness holds; readiness names the store.
  auto before = client_->get("/v1/executions/payment:before");
  ASSERT_EQ(before.status, 200u);
  EXPECT_EQ(before.json().at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(client_->get("/healthz").status, 200u);
  auto ready = client_->get("/readyz");
  EXPECT_EQ(ready.status, 503u) << ready.body;
  EXPECT_NE(ready.body.find("StoreFull"), std::string::npos) << ready.body;
  EXPECT_EQ(ready.json().at("checks").at("executions").as_string(), "ok") << ready.body;

  // Space returns: writes succeed again by themselves.
  std::filesystem::remove(dir_.path() + "/disk/filler");
  HttpResult accepted;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int i = 0; accepted.status != 201u && std::chrono::steady_clock::now() < until; ++i) {
    accepted = start_payment("after-" + std::to_string(i), "pm_card_visa");
    if (accepted.status != 201u) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(accepted.status, 201u) << accepted.body;
  const std::string id(accepted.json().at("executionId").as_string());
  EXPECT_EQ(wait_final(id).at("status").as_string(), "SUCCEEDED");
  EXPECT_EQ(client_->get("/readyz").status, 200u);
  EXPECT_NE(daemon_->wait_for_output("store.recovered", std::chrono::seconds(5)), "");
  EXPECT_TRUE(daemon_->running());
}

}  // namespace
}  // namespace settled::testing
