#pragma once
// The accounts router: the ledger's front door and its lock manager.
//
// Answers `ledger_atom, TaskAttempt -> TaskOutcome` (the settled:ledger.* task resources) and
// `ledger_atom, LedgerCall` (the API layer). settled:ledger.balance is a read of committed rows,
// answered at once; every other operation is parsed, given its keys and a home, admitted, and
// run by the home's account actor (account_actor.hpp), which replies only after the commit
// holding the operation's balances, escrow and journal entry returned.
//
// Why a lock manager: an operation's keys are the accounts it may touch, its escrow id and its
// idempotency key; its home is the account actor of its first account (deposit/withdraw: the
// account; hold: the payer; release/cancel/freeze/unfreeze/split/expire: the escrow's payer;
// transfer: the sender, or the receiver of minted money). The router queues each operation on
// all its keys at once and admits it when, on every key, whatever is ahead is already admitted
// at the same home (domain/ledger/lock_table.hpp). So:
//   - a cross-user operation (release to a payee, transfer) owns both accounts while it runs
//     and writes both legs in one commit; no other actor can change the payee meanwhile;
//   - operations on one account pipeline into its actor, which commits them together;
//   - the same idempotency key, or the same escrow id, is never run twice at once, so a retry
//     always sees the first attempt's committed journal entry (and replays it);
//   - one actor decides admission, so there is no lock-order deadlock.
// We chose this over lending account state between actors (a two-actor handshake per
// cross-user operation, with deadlock avoidance by id order) because it is obviously correct
// and keeps every write path the same: read committed rows, apply, commit one batch.
//
// An escrow operation's accounts are the escrow's payer and payee, read from LMDB (they never
// change), plus those of holds of that escrow id still in flight; an escrow nobody holds runs
// at the home "" and is refused UnknownEscrow (a later hold of it queues behind it).
//
// Expiry: a hold with expiresAt writes an expiry index line in its commit; the router loads the
// index at start, keeps the due times in memory and sets one timer for the earliest; when due
// it runs `expire` through the same path with the idempotency key "expire/<escrowId>". A hold
// that fell due while the daemon was down expires right after start. A frozen escrow does not
// expire (Ledger.EscrowFrozen); unfrozen, its deadline counts again.
//
// Passivation: account actors hold no state between batches (LMDB does); one with nothing in
// flight and idle for `passivate_after` is stopped by the router, which is the only one that
// sends it work, so no message can be lost.

#include "actors/clock.hpp"
#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"
#include "domain/time.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>

namespace settled::actors {

struct AccountsOptions {
  std::chrono::milliseconds passivate_after{std::chrono::seconds(30)};
  std::chrono::milliseconds sweep_every{std::chrono::seconds(5)};
  std::size_t max_batch = 4096;  // operations per account commit
};

struct AccountsDeps {
  std::shared_ptr<adapters::LmdbStore> db;
  StoreActor store;
  std::function<EpochMillis()> now;
  AccountsOptions options;
  ClockPtr clock;  // escrow expiries wake on it (clock.hpp); null: the system clock
};

LedgerActor spawn_accounts(caf::actor_system& system, AccountsDeps deps);

}  // namespace settled::actors
