#include "integration/keyed_ops_fixture.hpp"

#include "adapters/http/api_keys.hpp"

#include <thread>

namespace settled::testing {

namespace json = boost::json;

std::vector<std::string> KeyedOpsTest::daemon_flags() const {
  std::vector<std::string> flags{"--api-key-hashes=[\"alice:admin:" + adapters::sha256_hex(kAlice) +
                                 "\",\"bob:support:" + adapters::sha256_hex(kBob) + "\",\"" +
                                 adapters::sha256_hex(kBare) + "\"]"};
  flags.insert(flags.end(), more_flags_.begin(), more_flags_.end());
  return flags;
}

std::string KeyedOpsTest::bare_identity() {
  return "key-" + adapters::sha256_hex(kBare).substr(0, 8);
}

HttpResult KeyedOpsTest::get_as(const std::string& key, const std::string& target) {
  return client_->get(target, {{"Authorization", "Bearer " + key}});
}

HttpResult KeyedOpsTest::post_as(const std::string& key, const std::string& target,
                                 const json::value& body) {
  return client_->post(target, json::serialize(body), {{"Authorization", "Bearer " + key}});
}

json::object KeyedOpsTest::wait_final_as_admin(const std::string& id,
                                               std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  json::object last;
  while (std::chrono::steady_clock::now() < until) {
    auto res = get_as(kAlice, "/v1/executions/" + id);
    if (res.status == 200) {
      last = res.json().as_object();
      if (last.at("status") != "RUNNING") return last;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << id << " still running: " << json::serialize(last);
  return last;
}

json::value KeyedOpsTest::wait_record(const std::string& collection, const std::string& key,
                                      std::chrono::seconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    auto res = get_as(kAlice, "/v1/records/" + collection + "/" + key);
    if (res.status == 200) return res.json();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no record " << collection << "/" << key;
  return nullptr;
}

}  // namespace settled::testing
