#pragma once
// DynamoDB's UpdateExpression (dynamodb:updateItem, docs/aws-resources.md) → the update
// settled:records.update applies:
//   SET a = :v, #n.c = :w     {"set":    [{"path": ["a"], "value": V}, {"path": [N, "c"], ...}]}
//   REMOVE x, y.z             {"remove": [["x"], ["y", "z"]]}
//   ADD n :inc                {"add":    [{"path": ["n"], "value": INC}]}   (numbers only)
// `names` is ExpressionAttributeNames ({"#n": "name"}); `values` is ExpressionAttributeValues
// already turned into plain JSON ({":v": 12}). As DynamoDB does, a placeholder that is used but
// not given, or given but not used, a clause given twice and two paths that overlap are refused.
// Not supported, refused naming it: DELETE, list indexes (a[0]), SET's functions
// (if_not_exists, list_append) and arithmetic, ADD to a set or to a nested attribute.
// Bounded: the expression at most kMaxUpdateExpressionBytes, a path at most kMaxPathDepth
// elements, at most kMaxUpdateActions actions; a refusal says why and where.

#include "domain/result.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <string_view>

namespace settled::aws {

inline constexpr std::size_t kMaxUpdateExpressionBytes = 4096;  // DynamoDB's own limit
inline constexpr std::size_t kMaxPathDepth = 32;
inline constexpr std::size_t kMaxUpdateActions = 100;

Result<boost::json::object> parse_update_expression(std::string_view expression,
                                                    const boost::json::object& names,
                                                    const boost::json::object& values);

}  // namespace settled::aws
