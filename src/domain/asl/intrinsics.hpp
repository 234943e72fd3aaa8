#pragma once
// Intrinsic functions of the Amazon States Language (JSONPath dialect): the value of a "key.$"
// field that starts with "States.", e.g. "States.Format('Hello {}', $.name)". The call is parsed
// once, when the definition is loaded, and evaluated for each state entry.

#include "domain/random_source.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <string>

namespace settled::asl {

namespace intrinsic {
struct Call;
}  // namespace intrinsic

class Intrinsic {
 public:
  // Parses `text`; `where` names the field in errors, e.g. "$.States['A'].Parameters['x.$']".
  // Refuses (kInvalidDefinition, "<where>: ...") bad syntax, unknown functions, a wrong number
  // of arguments, literal arguments of the wrong type, a States.Format template whose
  // placeholders do not match its arguments, nesting deeper than kMaxIntrinsicNesting calls and
  // texts over kMaxIntrinsicLength bytes (domain/asl/limits.hpp).
  static Result<Intrinsic> compile(const std::string& text, const std::string& where);

  // Evaluates the call. Path arguments ("$.x") read `input`, context paths ("$$.x") read
  // `context`. A path that matches nothing fails with kInvalidRequest (States.Runtime, as plain
  // paths do); an argument the function refuses at run time fails with kIntrinsicFailure
  // (States.IntrinsicFailure). `random` feeds States.UUID and States.MathRandom without a seed.
  Result<boost::json::value> evaluate(const boost::json::value& input,
                                      const boost::json::value& context,
                                      RandomSource& random) const;

  const std::string& text() const { return text_; }

 private:
  Intrinsic() = default;

  std::string text_;
  std::string where_;
  std::shared_ptr<const intrinsic::Call> call_;  // immutable, shared by copies
};

}  // namespace settled::asl
