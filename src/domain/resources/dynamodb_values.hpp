#pragma once
// DynamoDB's attribute-value shapes ({"S": "x"}, {"N": "12"}, {"M": {...}}, ...) to plain JSON
// and back, for the dynamodb:putItem / getItem integrations (docs/aws-resources.md).
// Numbers: an "N" that is an integer becomes a JSON integer (exact, money stays int64); any
// other number text becomes a JSON double. Sets (SS, NS, BS) become arrays; B stays its base64
// text. Going back, a JSON string is S, a number N, a bool BOOL, null NULL, an array L and an
// object M. Nesting is bounded (kMaxAttributeDepth) and every refusal names the attribute.

#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <vector>

namespace settled::aws {

inline constexpr int kMaxAttributeDepth = 32;  // DynamoDB's own nesting limit

// One attribute value → JSON. `where` names it in a refusal ("Item.amount").
Result<boost::json::value> from_attribute_value(const boost::json::value& av,
                                                const std::string& where);
// A map of attribute values (an Item, a Key) → a JSON object.
Result<boost::json::object> from_attribute_map(const boost::json::value& map,
                                               const std::string& where);
// JSON → an attribute value / a map of them.
boost::json::value to_attribute_value(const boost::json::value& value);
boost::json::object to_attribute_map(const boost::json::object& record);

// The record key of an item: the values of its key attributes (each an S or N), joined by '#'
// in the order given. A refusal names the missing or unusable attribute.
Result<std::string> item_key(const boost::json::object& item,
                             const std::vector<std::string>& key_attributes,
                             const std::string& where);

}  // namespace settled::aws
