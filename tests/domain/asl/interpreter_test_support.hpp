#pragma once
// What the ASL interpreter's tests share (interpreter_test.cpp,
// interpreter_errors_test.cpp): machines of one state, the context object they run with, and
// a step's expected kind.

#include "domain/asl/interpreter.hpp"

#include "support/asl_machine.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace settled::asl::interpreter_test {

namespace json = boost::json;

// 2023-11-14T22:13:20.000Z (date -u -d @1700000000).
inline constexpr EpochMillis kEntered = 1'700'000'000'000;
inline constexpr EpochMillis kStarted = kEntered - 5'000;

using Machine = testing::AslMachine;
using testing::single_state_machine;

inline Machine single(std::string_view state) {
  return single_state_machine(state);
}
// A machine whose only state "S" is `state` (for states that end the execution).
inline Machine lone(std::string_view state) {
  return Machine(std::string(R"({"StartAt": "S", "States": {"S": )") + std::string(state) + "}}");
}
// A Task state "S" of resource "settled:x" with extra fields; goes to "Done" unless End is given.
inline Machine task(std::string_view fields) {
  return single(std::string(R"({"Type": "Task", "Resource": "settled:x", )") + std::string(fields) +
                "}");
}

inline const json::value& execution_input() {
  static const json::value input = json::parse(R"({"orig": "from-execution", "n": 1})");
  return input;
}

inline json::value context_for(const std::string& state_name, std::int64_t retry_count = 0,
                               EpochMillis entered = kEntered) {
  ContextFacts facts;
  facts.arns = aws::ArnScope{"eu-west-1", "123456789012"};
  facts.execution_id = "payment:run-42";
  facts.execution_name = "run-42";
  facts.state_machine = "payment";
  facts.execution_input = &execution_input();
  facts.execution_start = kStarted;
  facts.state_name = state_name;
  facts.state_entered = entered;
  facts.retry_count = retry_count;
  return make_context(facts);
}

inline std::string describe(const Step& step) {
  if (auto f = std::get_if<FailWith>(&step)) return "FailWith{" + f->error + ", " + f->cause + "}";
  if (auto g = std::get_if<GoTo>(&step))
    return "GoTo{" + g->next + ", " + json::serialize(g->output) + "}";
  if (auto f = std::get_if<Finish>(&step)) return "Finish{" + json::serialize(f->output) + "}";
  if (auto r = std::get_if<RunTask>(&step)) return "RunTask{" + r->resource + "}";
  if (auto w = std::get_if<WaitUntil>(&step)) return "WaitUntil{" + std::to_string(w->due) + "}";
  if (auto r = std::get_if<RetryAfter>(&step))
    return "RetryAfter{" + std::to_string(r->delay_ms) + "}";
  return "?";
}

template <class T>
inline T expect(const Step& step) {
  const T* p = std::get_if<T>(&step);
  if (!p) {
    ADD_FAILURE() << "unexpected step: " << describe(step);
    throw std::runtime_error("unexpected step");
  }
  return *p;
}

inline json::value j(std::string_view text) {
  return json::parse(text);
}

}  // namespace settled::asl::interpreter_test
