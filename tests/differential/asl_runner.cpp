// settled_asl_runner: runs differential test cases (tests/differential/cases/*.json) on settled's
// ASL parser and interpreter and prints one JSON line per case:
//   {"case":"pass-result","status":"SUCCEEDED","output":...}
//   {"case":"fail-error","status":"FAILED","error":"X","cause":"..."}
//   {"case":"map-inline","status":"INVALID_DEFINITION","cause":"..."}
// Usage: settled_asl_runner CASE.json...   or   settled_asl_runner --all CASES_DIR

#include "domain/asl/parser.hpp"
#include "drive.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace json = boost::json;
namespace fs = std::filesystem;
using settled::differential::DriveOptions;
using settled::differential::MockOutcome;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const json::value* field(const json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

std::string string_field(const json::value& v, std::string_view key, std::string fallback) {
  const json::value* f = field(v, key);
  return f && f->is_string() ? std::string(f->as_string()) : std::move(fallback);
}

// A task's mocked results per attempt, in order; the last one repeats. {"output": X} returns X,
// {"error": E, "cause": C} fails; no entry, or an entry with neither, returns the task's input
// (after InputPath and Parameters).
MockOutcome mock_task(const json::value& task_results, const std::string& state,
                      const json::value& parameters, int attempt) {
  MockOutcome out;
  const json::value* list = field(task_results, state);
  if (!list || !list->is_array() || list->as_array().empty()) {
    out.result = parameters;
    return out;
  }
  const auto& arr = list->as_array();
  const json::value& entry = arr[std::min<std::size_t>(attempt, arr.size() - 1)];
  if (const json::value* error = field(entry, "error")) {
    out.ok = false;
    out.error = error->is_string() ? std::string(error->as_string()) : json::serialize(*error);
    out.cause = string_field(entry, "cause", "");
    return out;
  }
  const json::value* output = field(entry, "output");
  out.result = output ? *output : parameters;
  return out;
}

json::object run_case(const json::value& test) {
  json::object line;
  line["case"] = string_field(test, "name", "");
  const json::value* definition = field(test, "definition");
  if (!definition) {
    line["status"] = "ERROR";
    line["cause"] = "the case has no \"definition\"";
    return line;
  }
  auto machine = settled::asl::parse_state_machine(*definition, "differential");
  if (!machine) {
    line["status"] = "INVALID_DEFINITION";
    line["cause"] = machine.error().message;
    return line;
  }
  const json::value input =
      field(test, "input") ? *field(test, "input") : json::value(json::object());
  const json::value task_results =
      field(test, "taskResults") ? *field(test, "taskResults") : json::value(json::object());
  DriveOptions options;
  options.task = [&task_results](const std::string& state, const json::value& parameters,
                                 int attempt) {
    return mock_task(task_results, state, parameters, attempt);
  };
  if (const json::value* ctx = field(test, "context")) {
    if (const json::value* execution = field(*ctx, "Execution")) {
      options.execution_id = string_field(*execution, "Id", options.execution_id);
      options.execution_name = string_field(*execution, "Name", options.execution_name);
    }
    if (const json::value* sm = field(*ctx, "StateMachine"))
      options.state_machine = string_field(*sm, "Name", options.state_machine);
  }
  auto result = settled::differential::run_to_completion(*machine, input, options);
  if (result.succeeded) {
    line["status"] = "SUCCEEDED";
    line["output"] = std::move(result.output);
  } else {
    line["status"] = "FAILED";
    line["error"] = result.error;
    line["cause"] = result.cause;
  }
  if (!result.retry_delays_ms.empty()) {
    json::object delays;
    for (const auto& [state, list] : result.retry_delays_ms)
      delays[state] = json::array(list.begin(), list.end());
    line["retryDelaysMs"] = std::move(delays);
  }
  return line;
}

json::object run_file(const fs::path& path) {
  boost::system::error_code ec;
  json::value test = json::parse(read_file(path), ec);
  if (ec) {
    json::object line;
    line["case"] = path.stem().string();
    line["status"] = "ERROR";
    line["cause"] = "not valid JSON: " + ec.message();
    return line;
  }
  json::object line = run_case(test);
  if (line["case"].as_string().empty()) line["case"] = path.stem().string();
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  if (argc == 3 && std::string(argv[1]) == "--all") {
    for (const auto& entry : fs::directory_iterator(argv[2]))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
  } else if (argc >= 2 && std::string(argv[1]).rfind("--", 0) != 0) {
    for (int i = 1; i < argc; ++i) files.emplace_back(argv[i]);
  } else {
    std::cerr << "usage: settled_asl_runner CASE.json...\n"
                 "       settled_asl_runner --all CASES_DIR\n";
    return 2;
  }
  for (const auto& file : files) std::cout << json::serialize(run_file(file)) << '\n';
  return 0;
}
