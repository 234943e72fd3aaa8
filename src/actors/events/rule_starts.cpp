#include "actors/events/rule_starts.hpp"

#include "adapters/ops/log.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

namespace settled::actors {

namespace json = boost::json;

json::value rule_envelope(const EventPost& post) {
  if (!post.envelope.is_null()) return post.envelope;
  const auto& e = post.event;
  return json::object{
      {"id", e.id}, {"type", e.type}, {"correlationKey", e.correlation_key}, {"detail", e.detail}};
}

bool start_next_rule(EventsActor events, const ExecutionsActor& executions, RuleStarts& rs) {
  if (rs.refused || rs.next >= rs.starts.size()) return false;
  const events::EventRule& rule = rs.starts[rs.next];
  auto input = events::rule_input(rule, rule_envelope(rs.post));
  if (!input) {
    rs.refused = input.error();
    return false;
  }
  StartRequest start;
  start.state_machine = rule.state_machine;
  start.name = events::rule_execution_name(rule.name, rs.post.event.id);
  start.input = std::move(*input);
  start.caller = rs.post.poster;
  start.from_rule = true;
  adapters::log(adapters::LogLevel::kInfo, "event_rule.start",
                {{"rule", rule.name},
                 {"eventId", rs.post.event.id},
                 {"stateMachine", rule.state_machine},
                 {"name", start.name}});
  auto carried = std::make_shared<RuleStarts>(std::move(rs));
  start.reply = [events, carried](Answer answer) {
    RuleStarts& next = *carried;
    const events::EventRule& started_rule = next.starts[next.next];
    if (!answer) {
      adapters::log(adapters::LogLevel::kWarn, "event_rule.refused",
                    {{"rule", started_rule.name},
                     {"eventId", next.post.event.id},
                     {"cause", answer.error().message}});
      next.refused = answer.error();
    } else {
      const json::value* id = answer->body.if_contains("executionId");
      next.started.push_back(
          json::object{{"rule", started_rule.name},
                       {"executionId", id ? *id : json::value(nullptr)},
                       {"outcome", answer->outcome == Outcome::kCreated ? "started" : "existing"}});
    }
    ++next.next;
    caf::anon_send(events, started_atom::value, std::move(next));
  };
  caf::anon_send(executions, start_atom::value, std::move(start));
  return true;
}

}  // namespace settled::actors
