#include "domain/ledger/account_rows.hpp"

#include "domain/json_limits.hpp"
#include "domain/ledger/keys.hpp"

namespace settled::ledger {

std::optional<std::string> add_account_row(ReconcileInput& input, std::string_view key,
                                           std::string_view value) {
  auto row = parse_account_row_key(key);
  if (!row) return "not a key of an account's rows";
  switch (row->kind) {
    case AccountRowKind::kJournalHead: {
      auto head = decode_journal_head(value);
      if (!head) return "not a sequence number";
      input.journal_heads[row->account] = *head;
      return std::nullopt;
    }
    case AccountRowKind::kIndexLine:
      input.index.push_back({row->account, row->sequence, std::string(value)});
      return std::nullopt;
    case AccountRowKind::kBalance:
      break;
  }
  boost::system::error_code ec;
  const boost::json::value parsed = parse_stored_json(value, ec);
  if (ec) return ec.message();
  auto balance = balance_from_json(parsed);
  if (!balance) return balance.error().message;
  input.balances.push_back(std::move(*balance));
  return std::nullopt;
}

}  // namespace settled::ledger
