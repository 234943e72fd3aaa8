#include "domain/ledger/reconcile.hpp"

#include "domain/ledger/wide_sum.hpp"
#include "domain/money.hpp"

#include <limits>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

namespace settled::ledger {

namespace json = boost::json;

namespace {

constexpr Bucket kBuckets[] = {Bucket::kAvailable, Bucket::kHeld, Bucket::kFrozen};

using BucketKey = std::tuple<std::string, std::string, Bucket>;  // account, currency, bucket

bool resolves(LedgerOp op) {
  return op == LedgerOp::kRelease || op == LedgerOp::kCancel || op == LedgerOp::kSplit ||
         op == LedgerOp::kExpire;
}

// Money in words when it fits int64 ("12.50 USD"), else its minor units in decimal.
std::string format_wide(Wide v, const std::string& currency) {
  if (fits_int64(v)) return format_money({static_cast<std::int64_t>(v), currency});
  return wide_decimal(v) + " minor units of " + currency;
}

class Checker {
 public:
  explicit Checker(const ReconcileInput& in) : in_(in) {
    for (const AccountBalance& b : in_.balances) balances_[b.key()] = &b;
    for (const JournalEntry& e : in_.entries) entries_[e.id] = &e;
  }

  std::vector<Discrepancy> run() {
    check_negative();
    check_currency_totals();
    check_folds();
    check_legs_and_chains();
    check_heads();
    check_escrows();
    check_expiry_index();
    check_escrow_legs();
    return std::move(found_);
  }

 private:
  Discrepancy& add(DiscrepancyKind kind, std::int64_t expected, std::int64_t found,
                   std::string message) {
    Discrepancy d;
    d.kind = kind;
    d.expected = expected;
    d.found = found;
    d.message = std::move(message);
    found_.push_back(std::move(d));
    return found_.back();
  }

  static void about(Discrepancy& d, const std::string& account, const std::string& currency,
                    std::string_view bucket) {
    d.account = account;
    d.currency = currency;
    d.bucket = std::string(bucket);
  }

  void check_negative() {
    for (const auto& [key, b] : balances_) {
      const std::pair<std::string_view, std::int64_t> fields[] = {{"available", b->available},
                                                                  {"held", b->held},
                                                                  {"frozen", b->frozen},
                                                                  {"externalIn", b->external_in},
                                                                  {"externalOut", b->external_out}};
      for (const auto& [name, value] : fields) {
        if (value >= 0) continue;
        Discrepancy& d = add(DiscrepancyKind::kNegativeBalance, 0, value,
                             "account " + key.account + " " + std::string(name) + " is " +
                                 format_money({value, key.currency}) + ", below zero");
        about(d, key.account, key.currency, name);
      }
    }
  }

  void check_currency_totals() {
    struct Totals {
      Wide balances = 0;
      Wide net_external = 0;  // in - out
    };
    std::map<std::string, Totals> per_currency;
    for (const auto& [key, b] : balances_) {
      Totals& t = per_currency[key.currency];
      for (Bucket bucket : kBuckets) t.balances += b->bucket(bucket);
      t.net_external += Wide{b->external_in} - b->external_out;
    }
    for (const auto& [currency, t] : per_currency) {
      if (t.balances == t.net_external) continue;
      Discrepancy& d =
          add(DiscrepancyKind::kCurrencyTotal, saturated(t.net_external), saturated(t.balances),
              "currency " + currency + ": balances sum to " + format_wide(t.balances, currency) +
                  " but deposits minus withdrawals are " + format_wide(t.net_external, currency));
      d.currency = currency;
    }
  }

  void check_folds() {
    // Fold every leg, and every external flow, per account and currency.
    std::map<BucketKey, Wide> folds;
    std::map<BalanceKey, std::pair<Wide, Wide>> external;  // in, out
    for (const JournalEntry& e : in_.entries) {
      for (const JournalLeg& leg : e.legs)
        folds[BucketKey{leg.account, leg.currency, leg.bucket}] += leg.delta;
      const std::int64_t flow = external_flow(e);
      if (flow != 0 && !e.legs.empty()) {
        auto& [in, out] = external[BalanceKey{e.legs.front().account, e.legs.front().currency}];
        if (flow > 0) in += flow;
        if (flow < 0) out -= Wide{flow};
      }
    }
    // Every stored balance against its fold (zero when the journal never touched it) ...
    for (const auto& [key, b] : balances_) {
      for (Bucket bucket : kBuckets) {
        BucketKey k{key.account, key.currency, bucket};
        auto fold = folds.find(k);
        const Wide expected = fold == folds.end() ? 0 : fold->second;
        if (expected == b->bucket(bucket)) continue;
        Discrepancy& d = add(DiscrepancyKind::kJournalFold, saturated(expected), b->bucket(bucket),
                             "account " + key.account + " " + std::string(bucket_name(bucket)) +
                                 " is " + format_money({b->bucket(bucket), key.currency}) +
                                 " but its journal sums to " + format_wide(expected, key.currency));
        about(d, key.account, key.currency, bucket_name(bucket));
      }
      auto ext = external.find(key);
      const Wide in = ext == external.end() ? 0 : ext->second.first;
      const Wide out = ext == external.end() ? 0 : ext->second.second;
      const std::pair<std::string_view, std::pair<Wide, std::int64_t>> counters[] = {
          {"externalIn", {in, b->external_in}}, {"externalOut", {out, b->external_out}}};
      for (const auto& [name, values] : counters) {
        if (values.first == values.second) continue;
        Discrepancy& d =
            add(DiscrepancyKind::kExternalFold, saturated(values.first), values.second,
                "account " + key.account + " " + std::string(name) + " is " +
                    format_money({values.second, key.currency}) + " but its journal says " +
                    format_wide(values.first, key.currency));
        about(d, key.account, key.currency, name);
      }
    }
    // ... and journal money on a balance row that does not exist.
    for (const auto& [k, sum] : folds) {
      const auto& [account, currency, bucket] = k;
      if (balances_.count(BalanceKey{account, currency}) != 0 || sum == 0) continue;
      Discrepancy& d = add(DiscrepancyKind::kJournalFold, saturated(sum), 0,
                           "account " + account + " has no " + currency + " balance row but its " +
                               std::string(bucket_name(bucket)) + " journal sums to " +
                               format_wide(sum, currency));
      about(d, account, currency, bucket_name(bucket));
    }
  }

  void check_legs_and_chains() {
    for (const JournalEntry& e : in_.entries) {
      for (const JournalLeg& leg : e.legs) {
        std::int64_t expected = 0;
        if (!__builtin_add_overflow(leg.before, leg.delta, &expected) && expected == leg.after)
          continue;
        Discrepancy& d =
            add(DiscrepancyKind::kLegArithmetic, expected, leg.after,
                "journal entry " + e.id + ": account " + leg.account + " " +
                    std::string(bucket_name(leg.bucket)) + " leg has before " +
                    std::to_string(leg.before) + " + delta " + std::to_string(leg.delta) +
                    " != after " + std::to_string(leg.after));
        about(d, leg.account, leg.currency, bucket_name(leg.bucket));
        d.entry_id = e.id;
      }
    }

    // The index, account by account in sequence order.
    std::map<std::string, std::map<std::uint64_t, const JournalIndexEntry*>> by_account;
    for (const JournalIndexEntry& line : in_.index) {
      auto& lines = by_account[line.account];
      if (!lines.emplace(line.sequence, &line).second) {
        Discrepancy& d = add(DiscrepancyKind::kIndexGap, 1, 2,
                             "account " + line.account + " journal index has sequence " +
                                 std::to_string(line.sequence) + " twice");
        d.account = line.account;
        d.entry_id = line.entry_id;
      }
    }
    std::map<std::pair<std::string, std::string>, int> listed;  // (account, entry) -> times
    for (const auto& [account, lines] : by_account) {
      std::uint64_t expected_sequence = 1;
      std::map<std::pair<std::string, Bucket>, std::int64_t> last_after;  // currency, bucket
      for (const auto& [sequence, line] : lines) {
        if (sequence != expected_sequence) {
          Discrepancy& d =
              add(DiscrepancyKind::kIndexGap, static_cast<std::int64_t>(expected_sequence),
                  static_cast<std::int64_t>(sequence),
                  "account " + account + " journal index jumps from " +
                      std::to_string(expected_sequence - 1) + " to " + std::to_string(sequence));
          d.account = account;
          d.entry_id = line->entry_id;
        }
        expected_sequence = sequence + 1;
        auto entry = entries_.find(line->entry_id);
        bool has_leg = false;
        if (entry != entries_.end()) {
          for (const JournalLeg& leg : entry->second->legs) {
            if (leg.account != account) continue;
            has_leg = true;
            auto [previous, fresh] =
                last_after.emplace(std::make_pair(leg.currency, leg.bucket), 0);
            if (leg.before != previous->second) {
              Discrepancy& d =
                  add(DiscrepancyKind::kJournalChain, previous->second, leg.before,
                      "journal entry " + line->entry_id + ": account " + account + " " +
                          std::string(bucket_name(leg.bucket)) + " leg starts at " +
                          format_money({leg.before, leg.currency}) +
                          " but the previous entry left it at " +
                          format_money({previous->second, leg.currency}));
              about(d, account, leg.currency, bucket_name(leg.bucket));
              d.entry_id = line->entry_id;
            }
            previous->second = leg.after;
          }
        }
        if (!has_leg) {
          Discrepancy& d = add(DiscrepancyKind::kIndexDangling, 0, 0,
                               "account " + account + " journal index line " +
                                   std::to_string(sequence) + " names entry " + line->entry_id +
                                   (entry == entries_.end() ? ", which does not exist"
                                                            : ", which has no leg of the account"));
          d.account = account;
          d.entry_id = line->entry_id;
        }
        ++listed[{account, line->entry_id}];
      }
      last_sequence_[account] = expected_sequence - 1;
    }
    for (const JournalEntry& e : in_.entries) {
      std::set<std::string> accounts;
      for (const JournalLeg& leg : e.legs) accounts.insert(leg.account);
      for (const std::string& account : accounts) {
        auto it = listed.find({account, e.id});
        const int times = it == listed.end() ? 0 : it->second;
        if (times == 1) continue;
        Discrepancy& d = add(DiscrepancyKind::kEntryNotIndexed, 1, times,
                             "journal entry " + e.id + " is listed " + std::to_string(times) +
                                 " times in account " + account + "'s journal index");
        d.account = account;
        d.entry_id = e.id;
      }
    }
  }

  void check_heads() {
    std::set<std::string> accounts;
    for (const auto& [account, last] : last_sequence_) accounts.insert(account);
    for (const auto& [account, head] : in_.journal_heads) accounts.insert(account);
    for (const std::string& account : accounts) {
      auto last = last_sequence_.find(account);
      auto head = in_.journal_heads.find(account);
      const std::uint64_t expected = last == last_sequence_.end() ? 0 : last->second;
      const std::uint64_t found = head == in_.journal_heads.end() ? 0 : head->second;
      if (expected == found) continue;
      Discrepancy& d = add(DiscrepancyKind::kJournalHead, static_cast<std::int64_t>(expected),
                           static_cast<std::int64_t>(found),
                           "account " + account + " journal head is " + std::to_string(found) +
                               " but its index ends at " + std::to_string(expected));
      d.account = account;
    }
  }

  void check_escrows() {
    std::map<std::string, const Escrow*> escrows;
    for (const Escrow& e : in_.escrows) escrows[e.id] = &e;
    std::map<std::string, std::vector<const JournalEntry*>> resolutions;
    std::map<std::string, std::vector<const JournalEntry*>> holds;
    for (const JournalEntry& e : in_.entries) {
      if (e.escrow_id.empty()) continue;
      if (escrows.count(e.escrow_id) == 0) {
        Discrepancy& d = add(DiscrepancyKind::kUnknownEscrow, 0, 0,
                             "journal entry " + e.id + " (" + std::string(ledger_op_name(e.op)) +
                                 ") names escrow " + e.escrow_id + ", which does not exist");
        d.escrow_id = e.escrow_id;
        d.entry_id = e.id;
      }
      if (resolves(e.op)) resolutions[e.escrow_id].push_back(&e);
      if (e.op == LedgerOp::kHold) holds[e.escrow_id].push_back(&e);
    }

    // What the open escrows put in each payer's held and frozen.
    std::map<BucketKey, Wide> escrowed;
    for (const auto& [id, escrow] : escrows) {
      const auto& resolved_by = resolutions[id];
      const bool resolved = is_resolved(escrow->status);
      const std::string status(escrow_status_name(escrow->status));
      if (resolved_by.size() > 1) {
        Discrepancy& d = add(
            DiscrepancyKind::kEscrowResolvedTwice, 1, static_cast<std::int64_t>(resolved_by.size()),
            "escrow " + id + " is resolved by " + std::to_string(resolved_by.size()) +
                " journal entries (" + resolved_by[0]->id + ", " + resolved_by[1]->id +
                (resolved_by.size() > 2 ? ", ..." : "") + ")");
        d.escrow_id = id;
        d.currency = escrow->currency;
      }
      std::string state_problem;
      if (resolved && resolved_by.empty()) {
        state_problem = "is " + status + " but no journal entry resolves it";
      } else if (!resolved && !resolved_by.empty()) {
        state_problem =
            "is " + status + " but journal entry " + resolved_by[0]->id + " resolved it";
      } else if (resolved && resolved_by.size() == 1 && escrow->resolved_by != resolved_by[0]->id) {
        state_problem = "names " + escrow->resolved_by +
                        " as its resolution but the journal says " + resolved_by[0]->id;
      }
      const auto& held_by = holds[id];
      if (state_problem.empty() && (held_by.size() != 1 || held_by[0]->id != escrow->held_by)) {
        state_problem = "was held by " + std::to_string(held_by.size()) +
                        " journal entries, expected exactly its heldBy " + escrow->held_by;
      }
      if (!state_problem.empty()) {
        Discrepancy& d =
            add(DiscrepancyKind::kEscrowState, 0, 0, "escrow " + id + " " + state_problem);
        d.escrow_id = id;
        d.currency = escrow->currency;
      }

      std::int64_t paid_out = 0;
      const bool sum_ok = !__builtin_add_overflow(escrow->released, escrow->returned, &paid_out);
      const std::int64_t expected_paid = resolved ? escrow->amount : 0;
      if (!sum_ok || paid_out != expected_paid || escrow->released < 0 || escrow->returned < 0) {
        Discrepancy& d =
            add(DiscrepancyKind::kEscrowAmounts, expected_paid, paid_out,
                "escrow " + id + " (" + status + ", amount " +
                    format_money({escrow->amount, escrow->currency}) + ") released " +
                    format_money({escrow->released, escrow->currency}) + " and returned " +
                    format_money({escrow->returned, escrow->currency}));
        d.escrow_id = id;
        d.currency = escrow->currency;
      }
      if (!resolved) {
        const Bucket bucket =
            escrow->status == EscrowStatus::kFrozen ? Bucket::kFrozen : Bucket::kHeld;
        escrowed[BucketKey{escrow->payer, escrow->currency, bucket}] += escrow->amount;
      }
    }

    // Every payer's held and frozen against its open escrows, both ways round.
    std::set<BucketKey> keys;
    for (const auto& [k, sum] : escrowed) keys.insert(k);
    for (const auto& [key, b] : balances_) {
      keys.insert(BucketKey{key.account, key.currency, Bucket::kHeld});
      keys.insert(BucketKey{key.account, key.currency, Bucket::kFrozen});
    }
    for (const BucketKey& k : keys) {
      const auto& [account, currency, bucket] = k;
      auto e = escrowed.find(k);
      const Wide expected = e == escrowed.end() ? 0 : e->second;
      auto b = balances_.find(BalanceKey{account, currency});
      const std::int64_t found = b == balances_.end() ? 0 : b->second->bucket(bucket);
      if (expected == found) continue;
      Discrepancy& d = add(DiscrepancyKind::kEscrowHeld, saturated(expected), found,
                           "account " + account + " " + std::string(bucket_name(bucket)) + " is " +
                               format_money({found, currency}) + " but its open escrows hold " +
                               format_wide(expected, currency));
      about(d, account, currency, bucket_name(bucket));
    }
  }

  // What the entries naming each escrow moved, against what its terms say they must have: a
  // release credited to someone other than its payee folds and totals as well as the right one.
  void check_escrow_legs() {
    using Place = std::tuple<std::string, std::string, Bucket>;  // account, currency, bucket
    std::map<std::string, std::map<Place, Wide>> moved;
    for (const JournalEntry& e : in_.entries) {
      if (e.escrow_id.empty()) continue;
      auto& net = moved[e.escrow_id];
      for (const JournalLeg& leg : e.legs)
        net[Place{leg.account, leg.currency, leg.bucket}] += leg.delta;
    }
    for (const Escrow& escrow : in_.escrows) {
      std::map<Place, Wide> expected;
      const auto at = [&](const std::string& account, Bucket bucket) -> Wide& {
        return expected[Place{account, escrow.currency, bucket}];
      };
      at(escrow.payer, Bucket::kAvailable) += Wide{escrow.returned} - escrow.amount;
      at(escrow.payee, Bucket::kAvailable) += escrow.released;
      if (escrow.status == EscrowStatus::kHeld) at(escrow.payer, Bucket::kHeld) += escrow.amount;
      if (escrow.status == EscrowStatus::kFrozen)
        at(escrow.payer, Bucket::kFrozen) += escrow.amount;
      const auto& net = moved[escrow.id];
      std::set<Place> places;
      for (const auto& [place, sum] : expected) places.insert(place);
      for (const auto& [place, sum] : net) places.insert(place);
      for (const Place& place : places) {
        const auto e = expected.find(place);
        const auto n = net.find(place);
        const Wide want = e == expected.end() ? 0 : e->second;
        const Wide got = n == net.end() ? 0 : n->second;
        if (want == got) continue;
        const auto& [account, currency, bucket] = place;
        Discrepancy& d = add(
            DiscrepancyKind::kEscrowLegs, saturated(want), saturated(got),
            "escrow " + escrow.id + " (" + std::string(escrow_status_name(escrow.status)) + ", " +
                escrow.payer + " to " + escrow.payee + ") moved " + format_wide(got, currency) +
                " in " + account + " " + std::string(bucket_name(bucket)) + ", its terms say " +
                format_wide(want, currency));
        about(d, account, currency, bucket_name(bucket));
        d.escrow_id = escrow.id;
      }
    }
  }

  // Open escrows with a deadline against the index lines, both ways round.
  void check_expiry_index() {
    std::map<std::string, std::vector<std::int64_t>> indexed;  // escrow id -> its lines' dues
    for (const auto& [due, id] : in_.expiries) indexed[id].push_back(due);
    std::set<std::string> escrow_ids;
    for (const Escrow& e : in_.escrows) {
      escrow_ids.insert(e.id);
      const bool should = !is_resolved(e.status) && e.expires_at.has_value();
      const auto lines = indexed.find(e.id);
      const std::vector<std::int64_t> none;
      const std::vector<std::int64_t>& dues = lines == indexed.end() ? none : lines->second;
      const bool right = should ? dues.size() == 1 && dues[0] == *e.expires_at : dues.empty();
      if (right) continue;
      const std::string status(escrow_status_name(e.status));
      std::string message = "escrow " + e.id + " (" + status;
      if (e.expires_at) message += ", expires at " + std::to_string(*e.expires_at) + " ms";
      message += ") has " + std::to_string(dues.size()) + " expiry index line(s)";
      message += should ? ", expected one at its deadline: it would not expire by itself"
                        : ", expected none: an expire would run for it";
      Discrepancy& d = add(DiscrepancyKind::kExpiryIndex, should ? 1 : 0,
                           static_cast<std::int64_t>(dues.size()), std::move(message));
      d.escrow_id = e.id;
      d.currency = e.currency;
    }
    for (const auto& [id, dues] : indexed) {
      if (escrow_ids.count(id)) continue;
      Discrepancy& d = add(DiscrepancyKind::kExpiryIndex, 0, static_cast<std::int64_t>(dues.size()),
                           "the expiry index names escrow " + id + ", which does not exist");
      d.escrow_id = id;
    }
  }

  const ReconcileInput& in_;
  std::map<BalanceKey, const AccountBalance*> balances_;
  std::map<std::string, const JournalEntry*> entries_;
  std::map<std::string, std::uint64_t> last_sequence_;
  std::vector<Discrepancy> found_;
};

}  // namespace

std::string_view discrepancy_name(DiscrepancyKind kind) {
  switch (kind) {
    case DiscrepancyKind::kNegativeBalance:
      return "NegativeBalance";
    case DiscrepancyKind::kCurrencyTotal:
      return "CurrencyTotal";
    case DiscrepancyKind::kJournalFold:
      return "JournalFold";
    case DiscrepancyKind::kExternalFold:
      return "ExternalFold";
    case DiscrepancyKind::kLegArithmetic:
      return "LegArithmetic";
    case DiscrepancyKind::kJournalChain:
      return "JournalChain";
    case DiscrepancyKind::kIndexGap:
      return "IndexGap";
    case DiscrepancyKind::kIndexDangling:
      return "IndexDangling";
    case DiscrepancyKind::kEntryNotIndexed:
      return "EntryNotIndexed";
    case DiscrepancyKind::kJournalHead:
      return "JournalHead";
    case DiscrepancyKind::kUnknownEscrow:
      return "UnknownEscrow";
    case DiscrepancyKind::kEscrowResolvedTwice:
      return "EscrowResolvedTwice";
    case DiscrepancyKind::kEscrowState:
      return "EscrowState";
    case DiscrepancyKind::kEscrowAmounts:
      return "EscrowAmounts";
    case DiscrepancyKind::kEscrowHeld:
      return "EscrowHeld";
    case DiscrepancyKind::kExpiryIndex:
      return "ExpiryIndex";
    case DiscrepancyKind::kEscrowLegs:
      return "EscrowLegs";
  }
  return "Unknown";
}

json::object to_json(const Discrepancy& d) {
  json::object o;
  o["kind"] = discrepancy_name(d.kind);
  if (!d.account.empty()) o["account"] = d.account;
  if (!d.currency.empty()) o["currency"] = d.currency;
  if (!d.bucket.empty()) o["bucket"] = d.bucket;
  if (!d.escrow_id.empty()) o["escrowId"] = d.escrow_id;
  if (!d.entry_id.empty()) o["entryId"] = d.entry_id;
  o["expected"] = d.expected;
  o["found"] = d.found;
  o["message"] = d.message;
  return o;
}

std::vector<Discrepancy> reconcile(const ReconcileInput& input) {
  return Checker(input).run();
}

}  // namespace settled::ledger
