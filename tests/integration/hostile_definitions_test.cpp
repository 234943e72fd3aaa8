// Definitions built to exhaust the parser's stack, sent to the real daemon: each is refused with
// 400 InvalidDefinition naming the field, nothing is stored, and the daemon keeps serving.

#include "integration/ops_fixture.hpp"

#include <boost/beast/http/verb.hpp>

#include <fstream>

namespace settled::testing {
namespace {

namespace json = boost::json;
using boost::beast::http::verb;

// A one-state machine whose Pass state has `field` set to `value`.
std::string pass_with(const std::string& field, const std::string& value) {
  json::object state{{"Type", "Pass"}, {"End", true}};
  state[field] = value;
  return json::serialize(json::object{{"StartAt", "S"}, {"States", {{"S", state}}}});
}

class HostileDefinitions : public OpsTest {
 protected:
  HttpResult put(const std::string& name, const std::string& definition) {
    return client_->request(verb::put, "/v1/state-machines/" + name, definition);
  }

  // The refusal's message, after checking it is the one error shape with InvalidDefinition.
  std::string refused(const HttpResult& res) {
    EXPECT_EQ(res.status, 400u) << res.body;
    const auto body = res.json().as_object();
    EXPECT_EQ(body.size(), 2u) << res.body;
    EXPECT_EQ(body.at("error"), "InvalidDefinition") << res.body;
    return std::string(body.at("message").as_string());
  }

  // The daemon still answers, stored nothing under `name`, and runs a normal execution.
  void still_serving(const std::string& name) {
    EXPECT_EQ(client_->get("/healthz").status, 200u);
    EXPECT_EQ(client_->get("/v1/state-machines/" + name).status, 404u);
    const std::string fine = json::serialize(json::object{
        {"StartAt", "Done"},
        {"States", {{"Done", {{"Type", "Pass"}, {"Result", {{"ok", true}}}, {"End", true}}}}}});
    ASSERT_EQ(put("fine", fine).status, 201u);
    auto started = client_->post(
        "/v1/executions",
        json::serialize(json::object{
            {"stateMachine", "fine"}, {"name", "after-" + name}, {"input", json::object{}}}));
    ASSERT_EQ(started.status, 201u) << started.body;
    auto done = wait_final(std::string(started.json().at("executionId").as_string()));
    EXPECT_EQ(done["status"], "SUCCEEDED") << json::serialize(done);
    EXPECT_EQ(done["output"], json::parse(R"({"ok": true})"));
  }
};

// The reported crash: this PUT killed the daemon with a stack overflow in the filter parser.
TEST_F(HostileDefinitions, TheHundredThousandParenthesisInputPathIsRefused) {
  const std::string bomb = "$[?(" + std::string(100000, '(');
  const std::string message = refused(put("x", pass_with("InputPath", bomb)));
  EXPECT_NE(message.find("$.States['S'].InputPath: invalid JSONPath"), std::string::npos)
      << message;
  EXPECT_NE(message.find("longer than the limit of 4096 bytes"), std::string::npos) << message;
  EXPECT_LT(message.size(), 400u);  // quotes the start of the path, not 100 kB of it
  still_serving("x");
}

TEST_F(HostileDefinitions, FiltersAndIntrinsicsNestedPastTheLimitsAreRefused) {
  const std::string parens =
      "$[?(" + std::string(4000, '(') + "@.a" + std::string(4000, ')') + ")]";
  EXPECT_NE(refused(put("x", pass_with("OutputPath", parens)))
                .find("$.States['S'].OutputPath: invalid JSONPath"),
            std::string::npos);
  std::string call = "1";
  for (int i = 0; i < 500; ++i) call = "States.Array(" + call + ")";
  const std::string params = json::serialize(json::object{
      {"StartAt", "S"},
      {"States", {{"S", {{"Type", "Pass"}, {"Parameters", {{"v.$", call}}}, {"End", true}}}}}});
  const std::string message = refused(put("x", params));
  EXPECT_NE(message.find("$.States['S'].Parameters['v.$']: invalid intrinsic function"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("nested more than 10 deep"), std::string::npos) << message;
  still_serving("x");
}

TEST_F(HostileDefinitions, AWorkflowFileWithTheBombIsRefusedOnRegister) {
  const std::string file = dir_.path() + "/bomb.asl.json";
  std::ofstream(file) << pass_with("InputPath", "$[?(" + std::string(100000, '('));
  auto refused_file = ctl({"workflows", "register", "x", file});
  EXPECT_EQ(refused_file.code, 1) << refused_file.out;
  EXPECT_NE(refused_file.err.find("InvalidDefinition"), std::string::npos) << refused_file.err;
  EXPECT_NE(refused_file.err.find("$.States['S'].InputPath"), std::string::npos)
      << refused_file.err;
  still_serving("x");
}

// Every problem named the path to it, and a path repeats the names of the states around it: a
// 230 kB definition of Parallels nested ten deep under 10 kB state names, with 1,000 unknown
// fields in the innermost state, was answered with a 108 MB message (the daemon's peak memory
// grew by half a gigabyte). The message lists the first problems, each quoting names cut short,
// and counts the rest.
TEST_F(HostileDefinitions, ManyProblemsUnderLongStateNamesGetAShortMessage) {
  json::object inner{{"Type", "Pass"}, {"End", true}};
  for (int i = 0; i < 1000; ++i) inner["unknown" + std::to_string(i)] = 0;
  const auto name = [](int level) { return "n" + std::to_string(level) + std::string(10000, 'x'); };
  json::object machine{{"StartAt", name(10)}, {"States", {{name(10), inner}}}};
  for (int level = 9; level >= 0; --level)
    machine = json::object{
        {"StartAt", name(level)},
        {"States",
         {{name(level),
           {{"Type", "Parallel"}, {"Branches", json::array{machine}}, {"End", true}}}}}};
  const std::string definition = json::serialize(machine);
  ASSERT_LT(definition.size(), 256u * 1024);
  const auto res = put("bomb", definition);
  EXPECT_LT(res.body.size(), 32u * 1024);
  const std::string message = refused(res);
  EXPECT_NE(message.find("invalid definition (1011 problems; the first 20 are listed)"),
            std::string::npos)
      << message.substr(0, 300);
  EXPECT_NE(message.find("a state name must be 1 to 80 characters long"), std::string::npos);
  EXPECT_NE(message.find("$.States['n0" + std::string(78, 'x') + "...']"), std::string::npos);
  still_serving("bomb");
}

}  // namespace
}  // namespace settled::testing
