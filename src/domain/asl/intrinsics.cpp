// Intrinsic::evaluate: arguments inside out, each checked, then the function.

#include "domain/asl/intrinsics.hpp"

#include "domain/asl/intrinsic_call.hpp"
#include "domain/asl/intrinsic_functions.hpp"
#include "domain/asl/variables.hpp"

#include <boost/json/serialize.hpp>

#include <utility>
#include <vector>

namespace settled::asl {

namespace json = boost::json;
using intrinsic::Arg;
using intrinsic::Call;

namespace {

struct Evaluator {
  const json::value& input;
  const json::value& context;
  RandomSource& random;
  const std::string& text;  // the whole expression, as Step Functions names it in causes

  Result<json::value> call(const Call& c) const {
    const intrinsic::Function& f = *c.function;
    std::vector<json::value> values;
    values.reserve(c.args.size());
    for (std::size_t i = 0; i < c.args.size(); ++i) {
      const Arg& arg = c.args[i];
      switch (arg.kind) {
        case Arg::Kind::kLiteral:
          values.push_back(arg.literal);
          continue;  // checked when the definition was parsed
        case Arg::Kind::kPath: {
          auto v = select_path(*arg.path, input, context);
          // A missing path is States.Runtime, as in a plain "key.$" path.
          if (!v)
            return Error{v.error().code, "The function '" + text +
                                             "' had the following error: The JsonPath argument "
                                             "for the field '" +
                                             arg.path->text() +
                                             "' could not be found in the input '" +
                                             json::serialize(input) + "'"};
          values.push_back(std::move(*v));
          break;
        }
        case Arg::Kind::kCall: {
          auto v = call(arg.call.front());
          if (!v) return v.error();
          values.push_back(std::move(*v));
          break;
        }
      }
      if (auto problem = f.check_arg(i, values.back()))
        return Error{ErrorCode::kIntrinsicFailure,
                     "The function '" + text + "' had the following error: " + std::string(f.name) +
                         " argument " + std::to_string(i + 1) + " " + *problem};
    }
    const bool literal_template =
        f.name == "States.Format" && c.args[0].kind == Arg::Kind::kLiteral;
    const intrinsic::Invocation invocation{values, literal_template ? &c.args[0].segments : nullptr,
                                           random};
    auto result = f.run(invocation);
    if (!result)
      return Error{result.error().code, "The function '" + text +
                                            "' had the following error: " + result.error().message};
    return result;
  }
};

}  // namespace

Result<json::value> Intrinsic::evaluate(const json::value& input, const json::value& context,
                                        RandomSource& random) const {
  return Evaluator{input, context, random, text_}.call(*call_);
}

}  // namespace settled::asl
