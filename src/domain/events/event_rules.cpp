#include "domain/events/event_rules.hpp"

#include "domain/digest.hpp"
#include "domain/events/event.hpp"
#include "domain/events/signed_event_types.hpp"
#include "domain/json_path.hpp"
#include "domain/json_size.hpp"
#include "domain/resources/payment_validation.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace settled::events {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxRuleName = 40;
constexpr std::size_t kMaxScope = 64;  // as an API key's scopes

bool valid_rule_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxRuleName) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

Error invalid(const std::string& message) {
  return Error{ErrorCode::kInvalidRequest, message};
}

Status parse_target(const json::value* target, EventRule& rule) {
  const char* shape =
      "target is required: {\"startExecution\": {\"stateMachine\", \"inputPath\"?}} or "
      "{\"deliver\": {\"as\"?, \"correlationKeyPath\"?}}";
  if (!target || !target->is_object() || target->as_object().size() != 1) return invalid(shape);
  const auto& t = target->as_object();
  if (const json::value* deliver = t.if_contains("deliver")) {
    if (!deliver->is_object())
      return invalid("target.deliver must be {} or {\"as\"?, \"correlationKeyPath\"?}");
    const auto& d = deliver->as_object();
    if (auto st = fields::only_fields(d, {"as", "correlationKeyPath"}, "target.deliver."); !st.ok())
      return st.error();
    rule.target = EventRule::Target::kDeliver;
    if (d.contains("as")) {
      auto as = fields::required_text(d, "as", "target.deliver.");
      if (!as) return as.error();
      // A rule matches events anyone with a key may post: renamed to a type only a signed
      // webhook delivers, they would pass for Stripe's or Veriff's word.
      if (const auto source = signed_source_of(*as))
        return invalid("target.deliver.as \"" + *as + "\" is " + std::string(*source) +
                       "'s event type: only its signed webhook delivers it");
      rule.deliver_as = std::move(*as);
    }
    if (d.contains("correlationKeyPath")) {
      auto path = fields::required_text(d, "correlationKeyPath", "target.deliver.");
      if (!path) return path.error();
      auto compiled = jsonpath::compile(*path);
      if (!compiled)
        return invalid("target.deliver.correlationKeyPath: " + compiled.error().message);
      rule.correlation_key_path = std::move(*path);
    }
    return ok_status();
  }
  const json::value* start = t.if_contains("startExecution");
  if (!start || !start->is_object()) return invalid(shape);
  const auto& s = start->as_object();
  if (auto st = fields::only_fields(s, {"stateMachine", "inputPath"}, "target.startExecution.");
      !st.ok())
    return st.error();
  auto machine = fields::required_text(s, "stateMachine", "target.startExecution.");
  if (!machine) return machine.error();
  rule.target = EventRule::Target::kStartExecution;
  rule.state_machine = std::move(*machine);
  rule.input_path = "$";
  if (s.contains("inputPath")) {
    auto path = fields::required_text(s, "inputPath", "target.startExecution.");
    if (!path) return path.error();
    auto compiled = jsonpath::compile(*path);
    if (!compiled) return invalid("target.startExecution.inputPath: " + compiled.error().message);
    rule.input_path = std::move(*path);
  }
  return ok_status();
}

}  // namespace

Result<EventRule> parse_event_rule(const std::string& name, const json::value& body) {
  if (!valid_rule_name(name))
    return invalid("rule name must be 1-" + std::to_string(kMaxRuleName) +
                   " of A-Z a-z 0-9 - _: " + name.substr(0, 60));
  if (!body.is_object()) return invalid("a rule must be a JSON object");
  const auto& o = body.as_object();
  if (auto st = fields::only_fields(o, {"detailType", "source", "posterScope", "target"}, "");
      !st.ok())
    return st.error();
  EventRule rule;
  rule.name = name;
  auto type = fields::required_text(o, "detailType", "");
  if (!type) return type.error();
  rule.detail_type = std::move(*type);
  if (o.contains("source")) {
    auto source = fields::required_text(o, "source", "");
    if (!source) return source.error();
    rule.source = std::move(*source);
  }
  if (o.contains("posterScope")) {
    auto scope = fields::required_text(o, "posterScope", "");
    if (!scope) return scope.error();
    if (scope->size() > kMaxScope || !std::all_of(scope->begin(), scope->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        }))
      return invalid("posterScope must be a scope: 1-" + std::to_string(kMaxScope) +
                     " of A-Z a-z 0-9 - _ .");
    rule.poster_scope = std::move(*scope);
  }
  if (auto st = parse_target(o.if_contains("target"), rule); !st.ok()) return st.error();
  return rule;
}

RuleMatch match_rules(const std::vector<EventRule>& rules, const std::string& type,
                      const std::string& source) {
  RuleMatch match;
  bool any = false, deliver = false;
  for (const auto& rule : rules) {
    if (rule.detail_type != type || (rule.source && *rule.source != source)) continue;
    any = true;
    if (!rule.poster_scope.empty()) match.poster_scopes.emplace_back(rule.name, rule.poster_scope);
    if (rule.target == EventRule::Target::kDeliver) {
      deliver = true;
      if (rule.redirects() && (!match.redirect || rule.name < match.redirect->name))
        match.redirect = rule;
    } else
      match.starts.push_back(rule);
  }
  std::sort(match.starts.begin(), match.starts.end(),
            [](const EventRule& a, const EventRule& b) { return a.name < b.name; });
  match.deliver = !any || deliver;
  return match;
}

std::optional<Error> refuse_poster(const RuleMatch& match, const std::string& type,
                                   const Caller& poster) {
  for (const auto& [rule, scope] : match.poster_scopes) {
    if (poster.has_scope(scope)) continue;
    return Error{ErrorCode::kForbidden, "events of type " + type +
                                            " need an identity with scope \"" + scope +
                                            "\" to post (rule " + rule + "); \"" + poster.identity +
                                            "\" does not have it: nothing was done"};
  }
  return std::nullopt;
}

namespace {

constexpr std::string_view kHashedPrefix = "sha256-";
constexpr std::size_t kHashedDigits = 32;

// An id of the form a hashed name ends in: taken as it is, it could name the execution another
// id's hash names (and start first, so the real event's start is refused as a duplicate).
bool looks_hashed(std::string_view id) {
  if (id.size() != kHashedPrefix.size() + kHashedDigits ||
      id.substr(0, kHashedPrefix.size()) != kHashedPrefix)
    return false;
  return std::all_of(id.begin() + kHashedPrefix.size(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::string rule_execution_name(const std::string& rule, const std::string& event_id) {
  std::string name = rule + "-" + event_id;
  if (is_valid_name(name) && !looks_hashed(event_id)) return name;
  return rule + "-" + std::string(kHashedPrefix) + sha256_hex(event_id).substr(0, kHashedDigits);
}

Status check_rule_names(const std::vector<EventRule>& rules) {
  for (const auto& a : rules) {
    if (a.target != EventRule::Target::kStartExecution) continue;
    for (const auto& b : rules) {
      if (&a == &b || b.target != EventRule::Target::kStartExecution ||
          a.state_machine != b.state_machine || b.name.size() <= a.name.size() + 1 ||
          b.name.compare(0, a.name.size(), a.name) != 0 || b.name[a.name.size()] != '-')
        continue;
      return invalid("rules " + a.name + " and " + b.name + " both start " + a.state_machine +
                     ", and their execution names can collide (" + b.name + "-<id> is also rule " +
                     a.name + "'s name for an event whose id starts " +
                     b.name.substr(a.name.size() + 1) + "-): rename one");
    }
  }
  return ok_status();
}

RuleNamePrefixes rule_name_prefixes(const std::vector<EventRule>& rules) {
  RuleNamePrefixes out;
  for (const auto& rule : rules)
    if (rule.target == EventRule::Target::kStartExecution)
      out[rule.state_machine].push_back(rule.name + "-");
  return out;
}

std::optional<Error> refuse_rule_name(const RuleNamePrefixes& prefixes, const std::string& machine,
                                      const std::string& name, const Caller& caller) {
  const auto found = prefixes.find(machine);
  if (found == prefixes.end() || caller.has_scope("admin")) return std::nullopt;
  for (const auto& prefix : found->second) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    return Error{ErrorCode::kForbidden,
                 "execution names " + prefix + "* of " + machine + " are event rule " +
                     prefix.substr(0, prefix.size() - 1) +
                     "'s (it names the execution it starts for an event by the event's id): "
                     "choose another name (only scope admin may start one by hand)"};
  }
  return std::nullopt;
}

Result<Event> redirected_event(const EventRule& rule, const Event& event,
                               const json::value& envelope) {
  Event out = event;
  if (!rule.deliver_as.empty()) out.type = rule.deliver_as;
  if (!rule.correlation_key_path.empty()) {
    auto path = jsonpath::compile(rule.correlation_key_path);
    if (!path) return path.error();
    auto selected = jsonpath::select(*path, envelope);
    if (!selected || !selected->is_string() || selected->as_string().empty())
      return invalid("rule " + rule.name + ": correlationKeyPath " + rule.correlation_key_path +
                     " must select a non-empty string in the event");
    out.correlation_key = std::string(selected->as_string());
  }
  if (out.type.size() + out.correlation_key.size() > kMaxTypeAndKeyBytes)
    return invalid("rule " + rule.name +
                   ": the type and correlation key it delivers under exceed " +
                   std::to_string(kMaxTypeAndKeyBytes) + " bytes");
  if (serialized_size(envelope, kMaxDetailBytes) > kMaxDetailBytes)
    return Error{ErrorCode::kPayloadTooLarge,
                 "rule " + rule.name + ": the event it delivers (its envelope) exceeds " +
                     std::to_string(kMaxDetailBytes) + " bytes of JSON text"};
  out.detail = envelope;
  return out;
}

Result<json::value> rule_input(const EventRule& rule, const json::value& envelope) {
  auto path = jsonpath::compile(rule.input_path);
  if (!path) return path.error();
  auto selected = jsonpath::select(*path, envelope);
  if (!selected)
    return Error{ErrorCode::kInvalidRequest, "rule " + rule.name + ": inputPath " +
                                                 rule.input_path + " " + selected.error().message};
  return selected;
}

}  // namespace settled::events
