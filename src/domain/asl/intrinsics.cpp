// Intrinsic::evaluate: arguments inside out, each checked, then the function.

#include "domain/asl/intrinsics.hpp"

#include "domain/asl/intrinsic_call.hpp"
#include "domain/asl/intrinsic_functions.hpp"

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
  const std::string& where;

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
          auto v = jsonpath::select(*arg.path, arg.path->is_context() ? context : input);
          // A missing path is the same error as in a plain "key.$" path.
          if (!v)
            return Error{v.error().code, where + ": " + std::string(f.name) + " argument " +
                                             std::to_string(i + 1) + ": " + v.error().message};
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
        return Error{ErrorCode::kIntrinsicFailure, where + ": " + std::string(f.name) +
                                                       " argument " + std::to_string(i + 1) + " " +
                                                       *problem};
    }
    const bool literal_template =
        f.name == "States.Format" && c.args[0].kind == Arg::Kind::kLiteral;
    const intrinsic::Invocation invocation{values, literal_template ? &c.args[0].segments : nullptr,
                                           random};
    auto result = f.run(invocation);
    if (!result)
      return Error{result.error().code,
                   where + ": " + std::string(f.name) + ": " + result.error().message};
    return result;
  }
};

}  // namespace

Result<json::value> Intrinsic::evaluate(const json::value& input, const json::value& context,
                                        RandomSource& random) const {
  return Evaluator{input, context, random, where_}.call(*call_);
}

}  // namespace settled::asl
