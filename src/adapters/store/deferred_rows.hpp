#pragma once
// The ledger's account rows written behind (Table::kLedgerAccounts). A ledger operation changes
// a few rows of each account it touches (a balance, the journal head, a new index line); over
// many accounts those rows sit on random B-tree pages, and a commit's cost is the pages it
// dirties: on one hot payer paying 100,000 payees, about one 4 KiB page per operation.
//
// So a commit does not put those rows into their B-tree. It appends them, as one record, to a
// log (an LMDB database of its own, `ledger_accounts_log`, key: big-endian u64 sequence, so its
// pages fill in order) in the same transaction as everything else of the commit, and keeps them
// here, in memory, versioned by that sequence. Every read of the table looks here first. Once
// enough rows have gathered, the store's writer folds them into the B-tree a slice of keys per
// commit, in key order (a page gets every row that landed on it since the last round at once),
// and when a round is through, deletes the log records it covered.
//
// Consistency: the sequence of the newest record a snapshot holds is stored beside it (in
// Table::kMeta, in the same transaction), so a reader sees exactly the versions its snapshot
// holds, never a newer row beside an older escrow or journal entry. A version is published here
// before its commit (invisible until a snapshot holds its sequence) and taken back if the commit
// fails. Versions a round folded are dropped only once no reader that began before the round's
// last commit is still reading (its B-tree snapshot may not hold the folded rows).
//
// Thread safety: reads from any thread; publish, unpublish, fold and drop from the store's one
// writer.
//
// Layout: every read of the table looks a key up here, so the rows sit in a hash map (a lookup
// touches a bucket or two; the ordered map it replaced walked ~18 nodes of a tree of 262,144
// keys, 14 % of the account actors' time over 100,000 accounts). Scans and fold rounds need key
// order: each publish adds its new keys as one sorted run (a record's rows come sorted), and a run
// is merged into the one before it once that one is at most twice its size, so there are at most
// about log2(keys) runs, each key in exactly one, and a key costs O(log keys) merging in all.

#include <boost/unordered_map.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace settled::adapters {

class DeferredRows {
 public:
  using Value = std::optional<std::string>;  // nullopt: the row was erased
  using Rows = std::map<std::string, Value, std::less<>>;
  struct Row {
    std::string key;
    Value value;
  };

  // What a reader of a snapshot holding sequence `seen` sees of `key`: nullopt when nothing
  // here is visible to it (read the B-tree), else the row's value (nullopt inside: erased).
  std::optional<Value> find(std::string_view key, std::uint64_t seen) const;
  // The first key at or after `from` (after it, when `inclusive` is false) with a version
  // visible at `seen`, with that version: a scan merges these with the B-tree's keys.
  std::optional<Row> next(std::string_view from, bool inclusive, std::uint64_t seen) const;
  // The newest version of `key`, whatever its sequence (the writer's own view).
  std::optional<Value> newest(std::string_view key) const;

  // The writer: `rows` become visible to snapshots holding `sequence`.
  void publish(std::uint64_t sequence, const Rows& rows);
  // The commit of `sequence` failed: its versions go (no snapshot ever held them).
  void unpublish(std::uint64_t sequence, const Rows& rows);

  // Up to `limit` keys after `after` (from the first when empty), in key order, each with its
  // newest version at or below `through`; keys with no such version are skipped but counted.
  // `last_key` is where the next slice resumes; `ended` when no key follows it.
  struct FoldSlice {
    std::vector<Row> rows;
    std::string last_key;
    bool ended = false;
  };
  FoldSlice fold_slice(const std::string& after, std::uint64_t through, std::size_t limit) const;
  // Drops every version at or below `through` (the B-tree holds them now); keys left without a
  // version go.
  void drop_through(std::uint64_t through);

  std::size_t keys() const;
  std::size_t bytes() const;

  // Readers register the epoch they began in; a fold round's versions are dropped only when no
  // reader of an epoch before the round's end remains.
  std::uint64_t enter_reader();
  void leave_reader(std::uint64_t epoch);
  // Ends the current epoch (after a round's last commit); returns the new one.
  std::uint64_t next_epoch();
  bool readers_before(std::uint64_t epoch) const;

  // A log record: every row of one commit. Decoding refuses anything malformed.
  static std::string encode(const Rows& rows);
  static bool decode(std::string_view record, Rows& rows);

 private:
  struct Version {
    std::uint64_t sequence;
    Value value;
  };
  // Oldest first.
  using Versions = std::vector<Version>;
  static const Version* visible(const Versions& versions, std::uint64_t seen);

  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Map = boost::unordered_map<std::string, Versions, KeyHash, std::equal_to<>>;
  using Node = Map::value_type;          // node-based: its address outlives rehashing
  using Run = std::vector<const Node*>;  // sorted by key
  class Ordered;                         // walks every run's keys in order (deferred_rows.cpp)

  // Under the unique lock.
  void add_run(Run run);
  void forget_in_runs(const Node* node);

  mutable std::shared_mutex mutex_;
  Map rows_;
  std::vector<Run> runs_;  // each at most half the size of the one before it, roughly
  std::size_t bytes_ = 0;

  mutable std::mutex readers_mutex_;
  std::uint64_t epoch_ = 0;
  std::map<std::uint64_t, std::size_t> readers_;  // epoch -> readers still reading
};

// Registers a reader for the lifetime of a read transaction.
class DeferredReader {
 public:
  explicit DeferredReader(DeferredRows& rows) : rows_(rows), epoch_(rows.enter_reader()) {}
  ~DeferredReader() { rows_.leave_reader(epoch_); }
  DeferredReader(const DeferredReader&) = delete;
  DeferredReader& operator=(const DeferredReader&) = delete;

 private:
  DeferredRows& rows_;
  std::uint64_t epoch_;
};

}  // namespace settled::adapters
