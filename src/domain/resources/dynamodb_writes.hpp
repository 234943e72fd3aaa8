#pragma once
// dynamodb:updateItem and dynamodb:deleteItem (docs/aws-resources.md): their Parameters →
// settled:records.update / settled:records.delete, and the built-in's result → DynamoDB's
// answer ({Attributes?} as ReturnValues asks, in attribute-value shape).
//   updateItem: TableName, Key, UpdateExpression (update_expression.hpp), ExpressionAttributeNames,
//               ExpressionAttributeValues, ReturnValues NONE | ALL_OLD | ALL_NEW | UPDATED_OLD |
//               UPDATED_NEW. A missing item is created from its Key, as DynamoDB does; a key
//               attribute cannot be updated.
//   deleteItem: TableName, Key, ReturnValues NONE | ALL_OLD.
// Any other parameter (ConditionExpression, ...) is refused with DynamoDB.ValidationException
// naming it, never ignored.

#include "domain/resources/aws_resource_map.hpp"
#include "domain/result.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace settled::aws {

// records.update's / records.delete's parameters, or the refusal (the cause of a
// DynamoDB.ValidationException).
Result<boost::json::object> update_item_parameters(const ResourceMap& map,
                                                   const boost::json::value& parameters);
Result<boost::json::object> delete_item_parameters(const ResourceMap& map,
                                                   const boost::json::value& parameters);

// DynamoDB's answer (without the SDK metadata) from records.update's / records.delete's result
// and the state's Parameters (their ReturnValues).
boost::json::object update_item_answer(const boost::json::value& result,
                                       const boost::json::value& parameters);
boost::json::object delete_item_answer(const boost::json::value& result,
                                       const boost::json::value& parameters);

}  // namespace settled::aws
