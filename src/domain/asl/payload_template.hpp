#pragma once
// Parameters / ResultSelector / ItemSelector templates: JSON whose "key.$" fields take their
// value from a path into the input or the context object, or from an intrinsic function call
// ("States.Format('{}', $.x)"). Paths and calls are compiled once, when the definition is parsed.

#include "domain/asl/intrinsics.hpp"
#include "domain/json_path.hpp"
#include "domain/random_source.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::asl {

class PayloadTemplate {
 public:
  // Compiles `source`; `where` names it in errors, e.g. "$.States.Pay.Parameters". Objects and
  // arrays nested deeper than kMaxTemplateNesting (domain/asl/limits.hpp) are refused, which
  // also bounds the recursion of render().
  static Result<PayloadTemplate> compile(const boost::json::value& source,
                                         const std::string& where);

  // Fills the template. A definite path that matches nothing is an error (States.Runtime); an
  // intrinsic that refuses its arguments fails with kIntrinsicFailure (States.IntrinsicFailure).
  // `random` feeds States.UUID and States.MathRandom.
  Result<boost::json::value> render(const boost::json::value& input,
                                    const boost::json::value& context,
                                    RandomSource& random = system_random()) const;

 private:
  struct Node {
    enum class Kind { kLiteral, kPath, kIntrinsic, kObject, kArray };
    Kind kind = Kind::kLiteral;
    boost::json::value literal;
    std::optional<jsonpath::Path> path;
    std::optional<Intrinsic> intrinsic;
    std::vector<std::pair<std::string, Node>> fields;
    std::vector<Node> items;
  };
  static Result<Node> compile_node(const boost::json::value& source, const std::string& where,
                                   int depth);
  static Result<boost::json::value> render_node(const Node& node, const boost::json::value& input,
                                                const boost::json::value& context,
                                                RandomSource& random);
  Node root_;
};

}  // namespace settled::asl
