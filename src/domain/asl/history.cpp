#include "domain/asl/history.hpp"

#include "domain/json_append.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <string_view>

namespace settled::asl {

namespace json = boost::json;

std::string state_event_type(StateType type, bool entered) {
  return std::string(state_type_name(type)) + (entered ? "StateEntered" : "StateExited");
}

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr std::string_view kDetailsSuffix = "EventDetails";

// Step Functions shares one details key across the per-type state events; empty for the rest.
std::string_view shared_details_key(std::string_view type) {
  if (ends_with(type, "StateEntered")) return "stateEnteredEventDetails";
  if (ends_with(type, "StateExited")) return "stateExitedEventDetails";
  return {};
}

char lowered(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

std::string details_key(std::string_view type) {
  if (const auto shared = shared_details_key(type); !shared.empty()) return std::string(shared);
  std::string key(type);
  if (!key.empty()) key[0] = lowered(key[0]);
  return key.append(kDetailsSuffix);
}

bool is_details_key_of(std::string_view key, std::string_view type) {
  if (const auto shared = shared_details_key(type); !shared.empty()) return key == shared;
  return !type.empty() && key.size() == type.size() + kDetailsSuffix.size() &&
         key[0] == lowered(type[0]) && key.compare(1, type.size() - 1, type.substr(1)) == 0 &&
         key.compare(type.size(), kDetailsSuffix.size(), kDetailsSuffix) == 0;
}

std::int64_t HistoryBuilder::add(EpochMillis now, const std::string& type, json::object details) {
  ++last_id_;
  if (sink_) {
    sink_->add(last_id_, now, type, std::move(details));
    return last_id_;
  }
  // Built at its final size: inserting one by one rehashed the object as it grew.
  json::object event(5);
  event.emplace("id", last_id_);
  event.emplace("previousEventId", last_id_ - 1);
  if (now != formatted_at_) {
    formatted_ = format_timestamp(now);
    formatted_at_ = now;
  }
  event.emplace("timestamp", formatted_);
  event.emplace("type", type);
  event.emplace(details_key(type), std::move(details));
  events_.push_back(std::move(event));
  return last_id_;
}

json::object state_details(const std::string& name, const json::value& payload, bool entered) {
  return state_details_text(name, json_text(payload), entered);
}

json::object state_details_text(const std::string& name, std::string_view payload_text,
                                bool entered) {
  json::object details(2);
  details.emplace("name", name);
  details.emplace(entered ? "input" : "output", payload_text);
  return details;
}

json::object task_details(const std::string& resource) {
  // "settled:stripe.paymentIntents.create" -> resourceType "stripe", resource
  // "paymentIntents.create"
  // Views, not substrings: three events per task attempt name their resource.
  constexpr std::string_view kSettled = "settled:";
  std::string_view rest = resource;
  if (rest.substr(0, kSettled.size()) == kSettled) rest.remove_prefix(kSettled.size());
  const auto dot = rest.find('.');
  json::object details(2);
  details.emplace("resourceType", dot == std::string_view::npos ? rest : rest.substr(0, dot));
  details.emplace("resource", dot == std::string_view::npos ? rest : rest.substr(dot + 1));
  return details;
}

}  // namespace settled::asl
