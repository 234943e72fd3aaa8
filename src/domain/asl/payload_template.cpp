#include "domain/asl/payload_template.hpp"

#include "domain/asl/limits.hpp"
#include "domain/asl/variables.hpp"

#include <boost/json.hpp>

namespace settled::asl {

namespace json = boost::json;

Result<PayloadTemplate> PayloadTemplate::compile(const json::value& source,
                                                 const std::string& where) {
  auto node = compile_node(source, where, 1);
  if (!node) return node.error();
  PayloadTemplate t;
  t.root_ = std::move(*node);
  return t;
}

Result<PayloadTemplate::Node> PayloadTemplate::compile_node(const json::value& source,
                                                            const std::string& where, int depth) {
  Node node;
  if ((source.is_object() || source.is_array()) && depth > kMaxTemplateNesting)
    return Error{ErrorCode::kInvalidDefinition, where +
                                                    ": objects and arrays are nested more than " +
                                                    std::to_string(kMaxTemplateNesting) + " deep"};
  if (source.is_object()) {
    node.kind = Node::Kind::kObject;
    for (const auto& [key, value] : source.as_object()) {
      const std::string k(key);
      const std::string field_where = where + "['" + k + "']";
      if (k.size() > 2 && k.compare(k.size() - 2, 2, ".$") == 0) {
        if (!value.is_string())
          return Error{ErrorCode::kInvalidDefinition,
                       field_where +
                           ": a field ending in '.$' must hold a JSONPath string or an "
                           "intrinsic function call"};
        const std::string text(value.as_string());
        Node leaf;
        if (text.rfind("States.", 0) == 0) {
          auto call = Intrinsic::compile(text, field_where);
          if (!call) return call.error();
          leaf.kind = Node::Kind::kIntrinsic;
          leaf.intrinsic = std::move(*call);
        } else {
          auto path = jsonpath::compile(text);
          if (!path)
            return Error{ErrorCode::kInvalidDefinition, field_where + ": " + path.error().message};
          leaf.kind = Node::Kind::kPath;
          leaf.path = std::move(*path);
        }
        node.fields.emplace_back(k.substr(0, k.size() - 2), std::move(leaf));
      } else {
        auto child = compile_node(value, field_where, depth + 1);
        if (!child) return child.error();
        node.fields.emplace_back(k, std::move(*child));
      }
    }
  } else if (source.is_array()) {
    node.kind = Node::Kind::kArray;
    std::size_t i = 0;
    for (const auto& item : source.as_array()) {
      auto child = compile_node(item, where + "[" + std::to_string(i++) + "]", depth + 1);
      if (!child) return child.error();
      node.items.push_back(std::move(*child));
    }
  } else {
    node.literal = source;
  }
  return node;
}

Result<json::value> PayloadTemplate::render(const json::value& input, const json::value& context,
                                            RandomSource& random) const {
  return render_node(root_, input, context, random);
}

Result<json::value> PayloadTemplate::render_node(const Node& node, const json::value& input,
                                                 const json::value& context, RandomSource& random) {
  switch (node.kind) {
    case Node::Kind::kLiteral:
      return node.literal;
    case Node::Kind::kPath:
      return select_path(*node.path, input, context);
    case Node::Kind::kIntrinsic:
      return node.intrinsic->evaluate(input, context, random);
    case Node::Kind::kObject: {
      json::object out(node.fields.size());  // sized once: growing rehashes at every step
      for (const auto& [key, child] : node.fields) {
        auto value = render_node(child, input, context, random);
        // Step Functions' cause for a "key.$" path that selects nothing.
        if (!value && child.kind == Node::Kind::kPath &&
            value.error().code == ErrorCode::kInvalidRequest)
          return Error{ErrorCode::kInvalidRequest,
                       "The JSONPath '" + child.path->text() + "' specified for the field '" + key +
                           ".$' could not be found in the input '" + json::serialize(input) + "'"};
        if (!value) return value.error();
        out.insert_or_assign(key, std::move(*value));  // a later same-named field wins
      }
      return json::value(std::move(out));
    }
    case Node::Kind::kArray: {
      json::array out;
      for (const auto& child : node.items) {
        auto value = render_node(child, input, context, random);
        if (!value) return value.error();
        out.push_back(std::move(*value));
      }
      return json::value(std::move(out));
    }
  }
  return json::value();
}

}  // namespace settled::asl
