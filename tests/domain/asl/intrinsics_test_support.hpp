#pragma once
// What the intrinsic functions' tests share (intrinsics_test.cpp, intrinsics_wiring_test.cpp): a
// fixed random source, and calls compiled and evaluated, failed at run time or refused when the
// definition is parsed.

#include "domain/asl/intrinsics.hpp"

#include "domain/asl/errors.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::asl::intrinsics_test {

namespace json = boost::json;
// The matchers the intrinsics' tests use, for `using namespace intrinsics_test`.
using ::testing::HasSubstr;
using ::testing::StartsWith;

inline constexpr const char* kWhere = "$.States['A'].Parameters['x.$']";

// Hands out a fixed sequence of 64-bit values, in a loop.
class FixedRandom final : public RandomSource {
 public:
  explicit FixedRandom(std::vector<std::uint64_t> values) : values_(std::move(values)) {}
  std::uint64_t next_u64() override {
    ++draws;
    return values_[(draws - 1) % values_.size()];
  }
  std::size_t draws = 0;

 private:
  std::vector<std::uint64_t> values_;
};

inline json::value j(std::string_view text) {
  return json::parse(text);
}

inline const json::value& no_context() {
  static const json::value context = j(R"({"Execution": {"Id": "exec-1", "Name": "run-1"}})");
  return context;
}

// Compiles and evaluates `text`; compile errors fail the test.
inline Result<json::value> run(std::string_view text, const json::value& input = json::object(),
                               RandomSource& random = system_random()) {
  auto call = Intrinsic::compile(std::string(text), kWhere);
  if (!call.ok()) {
    ADD_FAILURE() << "refused: " << call.error().message;
    throw std::runtime_error("compile failed");
  }
  return call->evaluate(input, no_context(), random);
}

// The value of a call that must succeed.
inline json::value eval(std::string_view text, const json::value& input = json::object(),
                        RandomSource& random = system_random()) {
  auto result = run(text, input, random);
  if (!result.ok()) {
    ADD_FAILURE() << text << " failed: " << result.error().message;
    throw std::runtime_error("evaluate failed");
  }
  return std::move(result).value();
}

// The message of a call that must fail at run time with States.IntrinsicFailure.
inline std::string failure(std::string_view text, const json::value& input = json::object()) {
  auto result = run(text, input);
  if (result.ok()) {
    ADD_FAILURE() << text << " succeeded with " << json::serialize(*result);
    return {};
  }
  EXPECT_EQ(result.error().code, ErrorCode::kIntrinsicFailure) << result.error().message;
  return result.error().message;
}

// The message of a call that must be refused when the definition is parsed.
inline std::string refusal(std::string_view text) {
  auto call = Intrinsic::compile(std::string(text), kWhere);
  if (call.ok()) {
    ADD_FAILURE() << text << " was accepted";
    return {};
  }
  EXPECT_EQ(call.error().code, ErrorCode::kInvalidDefinition);
  EXPECT_THAT(call.error().message, StartsWith(std::string(kWhere) + ": "));
  return call.error().message;
}

}  // namespace settled::asl::intrinsics_test
