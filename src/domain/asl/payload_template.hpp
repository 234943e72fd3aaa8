#pragma once
// Parameters / ResultSelector templates: JSON whose "key.$" fields take their value from a path
// into the input or the context object. Paths are compiled once, when the definition is parsed.

#include "domain/json_path.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::asl {

class PayloadTemplate {
 public:
  // Compiles `source`; `where` names it in errors, e.g. "$.States.Pay.Parameters".
  static Result<PayloadTemplate> compile(const boost::json::value& source,
                                         const std::string& where);

  // Fills the template. A definite path that matches nothing is an error (States.Runtime).
  Result<boost::json::value> render(const boost::json::value& input,
                                    const boost::json::value& context) const;

 private:
  struct Node {
    enum class Kind { kLiteral, kPath, kObject, kArray };
    Kind kind = Kind::kLiteral;
    boost::json::value literal;
    std::optional<jsonpath::Path> path;
    std::vector<std::pair<std::string, Node>> fields;
    std::vector<Node> items;
  };
  static Result<Node> compile_node(const boost::json::value& source, const std::string& where);
  static Result<boost::json::value> render_node(const Node& node, const boost::json::value& input,
                                                const boost::json::value& context);
  Node root_;
};

}  // namespace settled::asl
