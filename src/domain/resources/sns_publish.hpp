#pragma once
// arn:aws:states:::sns:publish as settled runs it (docs/aws-resources.md, "sns:publish"): SNS
// Publish's parameters mapped onto the built-in the topic is mapped to (settled:alert.raise, the
// default, or settled:notify.send), what neither can carry refused naming it
// (SNS.InvalidParameterException), and the answer SNS gives: MessageId, and SequenceNumber for a
// FIFO topic.
//
//   TopicArn | TargetArn (a topic's ARN)   the topic: its mapping decides the built-in
//   Message                                 the message (JSON text when not a string); at most
//                                           256 KiB
//   MessageStructure "json"                 Message is an object with a "default" string: that
//                                           is the message settled delivers (it has one channel)
//   Subject                                 alert: subject; notification: title (under 100
//                                           characters, no control characters)
//   MessageAttributes                       {name: {DataType, StringValue | BinaryValue}}: all
//                                           carried as attributes {name: value}; alert: severity;
//                                           notification: userId (required), type
//   MessageGroupId                          carried; required by a FIFO topic (".fifo")
//   MessageDeduplicationId                  carried; FIFO topics only
//   PhoneNumber, an endpoint TargetArn      refused: settled sends no SMS and no mobile push

#include "domain/resources/aws_resources.hpp"

#include <string>
#include <string_view>
#include <variant>

namespace settled::aws {

std::variant<BuiltinCall, TaskOutcome> sns_publish(const ResourceMap& map,
                                                   const boost::json::value& parameters);

// Whether Publish's parameters name a FIFO topic (its name ends in ".fifo").
bool publishes_to_fifo_topic(const boost::json::value& parameters);

// A FIFO topic's SequenceNumber: 20 decimal digits, the publish time in milliseconds and then
// seven digits of the attempt's id, so it grows with time as SNS's grows within a group.
std::string sns_sequence_number(EpochMillis now, const std::string& request_id);

}  // namespace settled::aws
