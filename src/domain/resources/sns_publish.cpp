#include "domain/resources/sns_publish.hpp"

#include "domain/asl/interpreter.hpp"
#include "domain/digest.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace settled::aws {

namespace json = boost::json;

namespace {

constexpr const char* kInvalid = "SNS.InvalidParameterException";

TaskOutcome refused(std::string cause) {
  return TaskOutcome::failure(kInvalid, "Invalid parameter: " + std::move(cause));
}

// A topic ARN: arn:PARTITION:sns:REGION:ACCOUNT:NAME (a platform endpoint's has a '/').
bool is_topic_arn(std::string_view arn) {
  if (arn.rfind("arn:", 0) != 0) return false;
  std::size_t colons = 0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < arn.size(); ++i)
    if (arn[i] == ':') ++colons, last = i;
  return colons == 5 && arn.find(":sns:") != std::string_view::npos && last + 1 < arn.size() &&
         arn.find('/') == std::string_view::npos;
}

bool is_fifo(std::string_view topic) {
  constexpr std::string_view kFifo = ".fifo";
  return topic.size() > kFifo.size() && topic.substr(topic.size() - kFifo.size()) == kFifo;
}

// MessageGroupId and MessageDeduplicationId: 1-128 of a-z, A-Z, 0-9 and ASCII punctuation.
bool valid_group_token(std::string_view text) {
  if (text.empty() || text.size() > 128) return false;
  for (const char c : text)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

// Subject: under 100 characters, no line breaks or control characters.
bool valid_subject(std::string_view text) {
  std::size_t characters = 0;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
    if ((u & 0xc0) != 0x80) ++characters;
  }
  return !text.empty() && characters < 100;
}

// An attribute name: 1-256 of A-Z, a-z, 0-9, '_', '-', '.'.
bool valid_attribute_name(std::string_view name) {
  if (name.empty() || name.size() > 256) return false;
  for (const char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

// MessageAttributes as plain {name: value}, or why not.
std::variant<json::object, TaskOutcome> plain_attributes(const json::value& given) {
  if (!given.is_object()) return refused("MessageAttributes must be an object");
  json::object out;
  for (const auto& attribute : given.as_object()) {
    const std::string name(attribute.key());
    if (!valid_attribute_name(name))
      return refused("MessageAttributes name '" + name.substr(0, 64) +
                     "' (1-256 of A-Z, a-z, 0-9, _, - and .)");
    const json::object* value =
        attribute.value().is_object() ? &attribute.value().as_object() : nullptr;
    const json::value* type = value ? value->if_contains("DataType") : nullptr;
    if (!type || !type->is_string())
      return refused("MessageAttributes." + name + " needs a DataType");
    const std::string_view data_type = type->as_string();
    const bool binary = data_type.rfind("Binary", 0) == 0;
    if (!binary && data_type.rfind("String", 0) != 0 && data_type.rfind("Number", 0) != 0)
      return refused("MessageAttributes." + name +
                     ".DataType must be String, String.Array, Number or Binary");
    const char* field = binary ? "BinaryValue" : "StringValue";
    const json::value* v = value->if_contains(field);
    if (!v || !v->is_string() || v->as_string().empty())
      return refused("MessageAttributes." + name + " needs a " + field);
    for (const auto& member : *value)
      if (member.key() != "DataType" && member.key() != field)
        return refused("MessageAttributes." + name + "." + std::string(member.key()) +
                       " is not a member of a " + std::string(data_type) + " attribute");
    out[name] = *v;
  }
  return out;
}

std::string text_of(const json::object& attributes, std::string_view name) {
  const json::value* v = attributes.if_contains(name);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::string* string_member(const json::object& p, std::string_view name) {
  const json::value* v = p.if_contains(name);
  return v && v->is_string() ? &v->as_string() : nullptr;
}

}  // namespace

std::variant<BuiltinCall, TaskOutcome> sns_publish(const ResourceMap& map,
                                                   const json::value& parameters) {
  if (!parameters.is_object()) return refused("sns:publish takes Parameters, an object");
  const json::object& p = parameters.as_object();
  static constexpr std::array<std::string_view, 9> kKnown{
      "TopicArn",          "TargetArn",      "PhoneNumber",
      "Message",           "Subject",        "MessageStructure",
      "MessageAttributes", "MessageGroupId", "MessageDeduplicationId"};
  for (const auto& field : p) {
    if (std::find(kKnown.begin(), kKnown.end(), std::string_view(field.key())) == kKnown.end())
      return refused(std::string(field.key()).substr(0, 64) + " is not a parameter of Publish");
    if (field.key() != "Message" && field.key() != "MessageAttributes" &&
        !field.value().is_string())
      return refused(std::string(field.key()) + " must be a string");
  }
  // Where to: one topic. settled has no SMS and no mobile push.
  const int destinations = static_cast<int>(p.contains("TopicArn")) +
                           static_cast<int>(p.contains("TargetArn")) +
                           static_cast<int>(p.contains("PhoneNumber"));
  if (destinations == 0)
    return refused("sns:publish needs TopicArn (or a topic's ARN as TargetArn)");
  if (destinations > 1) return refused("give only one of TopicArn, TargetArn and PhoneNumber");
  if (p.contains("PhoneNumber"))
    return refused(
        "PhoneNumber: settled sends no SMS (publish to a topic mapped to "
        "settled:notify.send)");
  const bool target = p.contains("TargetArn");
  const std::string topic(p.at(target ? "TargetArn" : "TopicArn").as_string());
  if (!is_topic_arn(topic))
    return refused(std::string(target ? "TargetArn" : "TopicArn") + " '" + topic.substr(0, 128) +
                   "' is not a topic's ARN" +
                   (target ? " (settled delivers to no mobile platform endpoint)" : ""));

  // What: the message (MessageStructure json: its "default"), at most 256 KiB.
  const json::value* message = p.if_contains("Message");
  if (!message || message->is_null()) return refused("sns:publish needs Parameters.Message");
  std::string text =
      message->is_string() ? std::string(message->as_string()) : json::serialize(*message);
  if (const json::string* structure = string_member(p, "MessageStructure")) {
    if (*structure != "json") return refused("MessageStructure must be json");
    json::value parsed;
    if (message->is_object()) {
      parsed = *message;
    } else {
      boost::system::error_code ec;
      parsed = json::parse(text, ec);
      if (ec) parsed = nullptr;
    }
    const json::value* fallback =
        parsed.is_object() ? parsed.as_object().if_contains("default") : nullptr;
    if (!fallback || !fallback->is_string())
      return refused(
          "with MessageStructure json, Message must be a JSON object with a "
          "\"default\" string (the message settled delivers)");
    text = std::string(fallback->as_string());
  }
  if (text.empty()) return refused("Message must not be empty");
  if (text.size() > asl::kPayloadLimitBytes) return refused("Message too long (256 KiB at most)");
  const json::string* subject = string_member(p, "Subject");
  if (subject && !valid_subject(*subject))
    return refused(
        "Subject must be under 100 characters with no line breaks or control "
        "characters");

  json::object attributes;
  if (const json::value* given = p.if_contains("MessageAttributes")) {
    auto plain = plain_attributes(*given);
    if (auto* refusal = std::get_if<TaskOutcome>(&plain)) return std::move(*refusal);
    attributes = std::move(std::get<json::object>(plain));
  }

  // FIFO: a group for every message; deduplication ids only there.
  const json::string* group = string_member(p, "MessageGroupId");
  const json::string* dedup = string_member(p, "MessageDeduplicationId");
  const bool fifo = is_fifo(topic);
  if (fifo && !group) return refused("The MessageGroupId parameter is required for FIFO topics");
  if (!fifo && dedup)
    return refused("MessageDeduplicationId applies only to FIFO topics (names ending in .fifo)");
  if (group && !valid_group_token(*group))
    return refused("MessageGroupId must be 1-128 of a-z, A-Z, 0-9 and punctuation");
  if (dedup && !valid_group_token(*dedup))
    return refused("MessageDeduplicationId must be 1-128 of a-z, A-Z, 0-9 and punctuation");

  auto mapped = map.topics.find(topic);
  const std::string resource = mapped == map.topics.end() ? "settled:alert.raise" : mapped->second;
  json::object out{{"message", text}};
  if (resource == "settled:alert.raise") {
    if (subject) out["subject"] = *subject;
    if (auto severity = text_of(attributes, "severity"); !severity.empty())
      out["severity"] = severity;
    out["topicArn"] = topic;
  } else {
    const std::string user = text_of(attributes, "userId");
    if (user.empty())
      return refused(
          "a topic mapped to settled:notify.send needs MessageAttributes.userId (a "
          "String): the user to notify");
    out["userId"] = user;
    if (subject) out["title"] = *subject;
    if (auto type = text_of(attributes, "type"); !type.empty()) out["type"] = type;
  }
  if (!attributes.empty()) out["attributes"] = std::move(attributes);
  if (group) out["messageGroupId"] = *group;
  if (dedup) out["messageDeduplicationId"] = *dedup;
  return BuiltinCall{resource, std::move(out)};
}

bool publishes_to_fifo_topic(const json::value& parameters) {
  if (!parameters.is_object()) return false;
  for (const char* field : {"TopicArn", "TargetArn"})
    if (const json::string* topic = string_member(parameters.as_object(), field))
      return is_fifo(*topic);
  return false;
}

std::string sns_sequence_number(EpochMillis now, const std::string& request_id) {
  std::string millis = std::to_string(now < 0 ? 0 : now);
  if (millis.size() < 13) millis.insert(0, 13 - millis.size(), '0');
  const std::string hex = sha256_hex("sns-sequence\n" + request_id);
  const std::uint64_t bits = std::stoull(hex.substr(0, 12), nullptr, 16);
  std::string digits = std::to_string(bits % 10000000);
  digits.insert(0, 7 - digits.size(), '0');
  return millis + digits;
}

}  // namespace settled::aws
