#include "actors/veriff_decisions.hpp"

#include "domain/records/veriff_decision_row.hpp"

#include <boost/json.hpp>

namespace settled::actors {

SignedEventPost veriff_decision_post(const veriff::VeriffDecision& decision, AnswerCallback reply) {
  SignedEventPost post;
  post.table = Table::kVeriffDecisions;
  post.id = decision.key();
  post.row = records::encode(decision);
  post.type = std::string(veriff::kDecisionEventType);
  post.detail = decision.body;
  post.received_at = decision.received_at;
  post.correlation_keys = decision.correlation_keys;
  boost::json::object acknowledged = veriff::to_json(decision);
  acknowledged.erase("receivedAt");
  acknowledged["received"] = true;
  acknowledged["id"] = decision.key();
  post.acknowledged = std::move(acknowledged);
  post.log_name = "veriff_decision";
  post.reply = std::move(reply);
  return post;
}

}  // namespace settled::actors
