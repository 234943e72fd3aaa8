#pragma once
// One account actor per user (spawned by the accounts router on demand, passivated by it when
// idle). It is where that user's ledger rows change: it runs the operations the router admits
// to it, in the order admitted, through the pure ledger (domain/ledger/operations) over the
// rows in LMDB plus what its own pending batch has written, and commits them through the store
// actor as ONE WriteBatch: balances, escrow, journal entry, index lines, heads and expiry index
// lines of every operation in the batch, all or nothing. What its mailbox held is one batch; it
// is computed at once, over the batches still committing (their writes are in its overlay), and
// sent to the store, which commits it in the same or the next group commit: a hot account's
// operations never wait for the previous commit's answer before they are computed. Such a batch
// carries a condition (the account's journal head as the batch before left it), so it commits
// only if the one before did; when a commit fails, every batch computed after it fails too and
// the overlay is dropped. Each outcome goes back to the router only after its commit, and every
// commit before it, returned, in the order computed.
//
// Cross-user operations (release, split, transfer) run in the actor of their first account
// (the escrow's payer, the transfer's sender); the router has locked the other account for
// them, so nothing else writes its rows meanwhile (see accounts_router.hpp).

#include "actors/interfaces.hpp"
#include "adapters/store/lmdb_store.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <memory>
#include <string>

namespace settled::actors {

struct AccountDeps {
  std::string account;  // "" for operations on an escrow that does not exist
  std::shared_ptr<adapters::LmdbStore> db;
  StoreActor store;
  LedgerActor router;  // gets job_done_atom, std::vector<ledger::LedgerJobDone>
  std::size_t max_batch = 4096;
};

// Spawned by the router, which monitors it (not linked: CAF keeps a linking actor's links in
// one list, and unlinking 100,000 passivated children from it was quadratic).
AccountActor spawn_account(caf::local_actor* router, AccountDeps deps);

}  // namespace settled::actors
