#pragma once
// Event rules (docs/event-rules.md): what an event does besides waking a waiting execution. A
// rule matches an event's type (EventBridge's detail-type; exactly) and, optionally, its source,
// and has one target: start an execution of a state machine, named after the event's id so
// that the same event never starts it twice, or deliver the event to the execution waiting for
// its type and correlation key (what an event no rule matches does).

#include "domain/caller.hpp"
#include "domain/result.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace settled::events {

struct EventRule {
  enum class Target { kStartExecution, kDeliver };
  std::string name;  // the rule file's name: 1-40 of A-Z a-z 0-9 - _
  std::string detail_type;
  std::optional<std::string> source;
  Target target = Target::kDeliver;
  std::string state_machine;  // kStartExecution
  std::string input_path;     // kStartExecution: the part of the envelope that is the input ("$")
  // kDeliver with {"as"?, "correlationKeyPath"?}: the event is delivered under this type and/or
  // the correlation key this JSONPath selects in its envelope, with the envelope as its detail,
  // so one waiter can take several types of event about one entity (a contract's milestones,
  // timesheets and termination). Empty: its own type / key.
  std::string deliver_as;
  std::string correlation_key_path;
  // "posterScope": the scope a key must have to post (POST /v1/events) an event this rule
  // matches; empty: any key. A rule that pays out on an approval can ask for the approver's
  // scope instead of trusting every key's word (docs/identities.md, service credentials).
  std::string poster_scope;

  bool redirects() const { return !deliver_as.empty() || !correlation_key_path.empty(); }
};

// A rule file's body: {"detailType", "source"?, "posterScope"?, "target": {"startExecution":
// {"stateMachine", "inputPath"?}} | {"deliver": {"as"?, "correlationKeyPath"?}}}. Unknown fields, a
// bad name or an invalid JSONPath are refused (kInvalidRequest) naming the field.
Result<EventRule> parse_event_rule(const std::string& name, const boost::json::value& body);

// What the rules make of an event: the executions to start (in rule-name order), and whether
// it is delivered to a waiter (no rule matched, or a matching rule's target is deliver).
// A delivered event goes once, under the first matching (by name) deliver rule that redirects
// it, else under its own type and key.
struct RuleMatch {
  std::vector<EventRule> starts;
  bool deliver = true;
  std::optional<EventRule> redirect;
  // (rule name, posterScope) of every matching rule that has one.
  std::vector<std::pair<std::string, std::string>> poster_scopes;
};
RuleMatch match_rules(const std::vector<EventRule>& rules, const std::string& type,
                      const std::string& source);

// Forbidden, naming the rule and the scope, when `poster` lacks a matching rule's posterScope.
std::optional<Error> refuse_poster(const RuleMatch& match, const std::string& type,
                                   const Caller& poster);

// The execution a rule starts for an event: `<rule>-<event id>` when that is a valid execution
// name (1-80 of A-Z a-z 0-9 - _ . :), otherwise `<rule>-sha256-<first 32 hex digits of the
// id's SHA-256>`, also when the id itself has that form (`sha256-` and 32 hex digits), so no
// posted id names the execution another id's hash does. The same id always gives the same name.
std::string rule_execution_name(const std::string& rule, const std::string& event_id);

// InvalidRequest naming both when two startExecution rules start the same state machine and
// one's name is the other's followed by '-' ("pay" and "pay-late"): "pay-late-<id>" is also
// rule "pay"'s name for event "late-<id>", so anyone posting that event would take, ahead of
// time, the execution the other rule starts for <id>.
Status check_rule_names(const std::vector<EventRule>& rules);

// The execution names rules start, per state machine: "<rule>-" for each startExecution rule.
using RuleNamePrefixes = std::map<std::string, std::vector<std::string>>;
RuleNamePrefixes rule_name_prefixes(const std::vector<EventRule>& rules);

// Forbidden when a start through the API by `caller` would take a name a rule starts
// `machine` under ("milestone-approved-<id>"): taken first, it turned the rule's start for the
// real event into ExecutionAlreadyExists, and that event's execution never ran (red team,
// session 34). A caller with scope admin may (an operator redoing a rule's start by hand).
std::optional<Error> refuse_rule_name(const RuleNamePrefixes& prefixes, const std::string& machine,
                                      const std::string& name, const Caller& caller);

struct Event;

// The event as a redirecting deliver rule delivers it: its type and correlation key replaced as
// the rule says, its detail the envelope. Refused (kInvalidRequest, naming the rule) when the
// path selects no non-empty string or the type and key do not fit a stored key; kPayloadTooLarge
// when the envelope is over the detail limit.
Result<Event> redirected_event(const EventRule& rule, const Event& event,
                               const boost::json::value& envelope);

// The input a rule's start gives: its inputPath applied to the event's envelope.
Result<boost::json::value> rule_input(const EventRule& rule, const boost::json::value& envelope);

}  // namespace settled::events
