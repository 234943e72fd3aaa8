#include "adapters/store/deferred_rows.hpp"

#include <algorithm>
#include <iterator>

namespace settled::adapters {

namespace {

std::size_t size_of(std::string_view key, const DeferredRows::Value& value) {
  return key.size() + (value ? value->size() : 0) + 16;
}

void put_u32(std::string& out, std::size_t n) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xff);
}

bool take_u32(std::string_view& in, std::size_t& n) {
  if (in.size() < 4) return false;
  n = 0;
  for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>(in[i]);
  in.remove_prefix(4);
  return true;
}

bool take_bytes(std::string_view& in, std::size_t n, std::string& out) {
  if (in.size() < n) return false;
  out.assign(in.data(), n);
  in.remove_prefix(n);
  return true;
}

}  // namespace

const DeferredRows::Version* DeferredRows::visible(const Versions& versions, std::uint64_t seen) {
  for (auto it = versions.rbegin(); it != versions.rend(); ++it)
    if (it->sequence <= seen) return &*it;
  return nullptr;
}

namespace {

template <typename Node>
bool key_before(const Node* node, std::string_view key) {
  return std::string_view(node->first) < key;
}

template <typename Node>
bool key_after(std::string_view key, const Node* node) {
  return key < std::string_view(node->first);
}

}  // namespace

// The union of the runs, in key order, from a bound: a cursor in each run, the smallest key next.
// There are about log2(keys) runs, so a step compares that many keys.
class DeferredRows::Ordered {
 public:
  Ordered(const std::vector<Run>& runs, std::string_view from, bool inclusive) {
    for (const Run& run : runs) {
      auto it = inclusive ? std::lower_bound(run.begin(), run.end(), from, key_before<Node>)
                          : std::upper_bound(run.begin(), run.end(), from, key_after<Node>);
      if (it != run.end()) cursors_.push_back({it, run.end()});
    }
  }
  // The next node in key order, or nullptr once every run is through.
  const Node* next() {
    Cursor* least = nullptr;
    for (Cursor& c : cursors_)
      if (c.at != c.end && (!least || (*c.at)->first < (*least->at)->first)) least = &c;
    if (!least) return nullptr;
    return *least->at++;
  }

 private:
  struct Cursor {
    Run::const_iterator at, end;
  };
  std::vector<Cursor> cursors_;
};

std::optional<DeferredRows::Value> DeferredRows::find(std::string_view key,
                                                      std::uint64_t seen) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  const auto found = rows_.find(key);
  if (found == rows_.end()) return std::nullopt;
  const Version* version = visible(found->second, seen);
  if (!version) return std::nullopt;
  return version->value;
}

std::optional<DeferredRows::Row> DeferredRows::next(std::string_view from, bool inclusive,
                                                    std::uint64_t seen) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  Ordered ordered(runs_, from, inclusive);
  while (const Node* node = ordered.next())
    if (const Version* version = visible(node->second, seen))
      return Row{node->first, version->value};
  return std::nullopt;
}

std::optional<DeferredRows::Value> DeferredRows::newest(std::string_view key) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  const auto found = rows_.find(key);
  if (found == rows_.end() || found->second.empty()) return std::nullopt;
  return found->second.back().value;
}

void DeferredRows::add_run(Run run) {
  if (run.empty()) return;
  runs_.push_back(std::move(run));
  const auto by_key = [](const Node* a, const Node* b) { return a->first < b->first; };
  while (runs_.size() >= 2 && runs_[runs_.size() - 2].size() <= 2 * runs_.back().size()) {
    Run& into = runs_[runs_.size() - 2];
    const Run& last = runs_.back();
    Run merged;
    merged.reserve(into.size() + last.size());
    std::merge(into.begin(), into.end(), last.begin(), last.end(), std::back_inserter(merged),
               by_key);
    into = std::move(merged);
    runs_.pop_back();
  }
}

void DeferredRows::forget_in_runs(const Node* node) {
  for (auto run = runs_.begin(); run != runs_.end(); ++run) {
    const auto it = std::lower_bound(run->begin(), run->end(), node->first, key_before<Node>);
    if (it == run->end() || *it != node) continue;
    run->erase(it);
    if (run->empty()) runs_.erase(run);
    return;
  }
}

void DeferredRows::publish(std::uint64_t sequence, const Rows& rows) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  Run fresh;  // in key order: `rows` is
  for (const auto& [key, value] : rows) {
    auto [it, inserted] = rows_.try_emplace(key);
    auto& versions = it->second;
    if (inserted) fresh.push_back(&*it);
    // A sequence publishes a key once; replaying a log record twice must not stack versions.
    if (!versions.empty() && versions.back().sequence >= sequence) continue;
    versions.push_back(Version{sequence, value});
    bytes_ += size_of(key, value);
  }
  add_run(std::move(fresh));
}

void DeferredRows::unpublish(std::uint64_t sequence, const Rows& rows) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  for (const auto& [key, value] : rows) {
    const auto found = rows_.find(key);
    if (found == rows_.end()) continue;
    auto& versions = found->second;
    if (!versions.empty() && versions.back().sequence == sequence) {
      bytes_ -= size_of(key, versions.back().value);
      versions.pop_back();
    }
    if (versions.empty()) {
      forget_in_runs(&*found);
      rows_.erase(found);
    }
  }
}

DeferredRows::FoldSlice DeferredRows::fold_slice(const std::string& after, std::uint64_t through,
                                                 std::size_t limit) const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  FoldSlice slice;
  slice.last_key = after;
  Ordered ordered(runs_, after, after.empty());
  // Keys with nothing to fold still count against the limit: a slice's work stays bounded.
  const Node* node = ordered.next();
  for (std::size_t looked = 0; node && looked < limit; ++looked, node = ordered.next()) {
    slice.last_key = node->first;
    if (const Version* version = visible(node->second, through))
      slice.rows.push_back(Row{node->first, version->value});
  }
  slice.ended = !node;
  return slice;
}

void DeferredRows::drop_through(std::uint64_t through) {
  std::unique_lock<std::shared_mutex> lock(mutex_);
  for (auto& [key, versions] : rows_) {
    std::size_t gone = 0;
    while (gone < versions.size() && versions[gone].sequence <= through) {
      bytes_ -= size_of(key, versions[gone].value);
      ++gone;
    }
    versions.erase(versions.begin(), versions.begin() + static_cast<std::ptrdiff_t>(gone));
  }
  // Keys left without a version go: from the runs first, while their nodes still exist.
  for (Run& run : runs_)
    run.erase(std::remove_if(run.begin(), run.end(),
                             [](const Node* node) { return node->second.empty(); }),
              run.end());
  runs_.erase(
      std::remove_if(runs_.begin(), runs_.end(), [](const Run& run) { return run.empty(); }),
      runs_.end());
  for (auto it = rows_.begin(); it != rows_.end();)
    it = it->second.empty() ? rows_.erase(it) : std::next(it);
}

std::size_t DeferredRows::keys() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return rows_.size();
}

std::size_t DeferredRows::bytes() const {
  std::shared_lock<std::shared_mutex> lock(mutex_);
  return bytes_;
}

std::uint64_t DeferredRows::enter_reader() {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  ++readers_[epoch_];
  return epoch_;
}

void DeferredRows::leave_reader(std::uint64_t epoch) {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  const auto found = readers_.find(epoch);
  if (found != readers_.end() && --found->second == 0) readers_.erase(found);
}

std::uint64_t DeferredRows::next_epoch() {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  return ++epoch_;
}

bool DeferredRows::readers_before(std::uint64_t epoch) const {
  std::lock_guard<std::mutex> lock(readers_mutex_);
  return !readers_.empty() && readers_.begin()->first < epoch;
}

std::string DeferredRows::encode(const Rows& rows) {
  std::string out;
  for (const auto& [key, value] : rows) {
    put_u32(out, key.size());
    out += key;
    out += value ? '\x01' : '\x00';
    if (value) {
      put_u32(out, value->size());
      out += *value;
    }
  }
  return out;
}

bool DeferredRows::decode(std::string_view record, Rows& rows) {
  while (!record.empty()) {
    std::size_t size = 0;
    std::string key;
    if (!take_u32(record, size) || size == 0 || !take_bytes(record, size, key) || record.empty())
      return false;
    const char kind = record.front();
    record.remove_prefix(1);
    if (kind == '\x00') {
      rows[std::move(key)] = std::nullopt;
      continue;
    }
    std::string value;
    if (kind != '\x01' || !take_u32(record, size) || !take_bytes(record, size, value)) return false;
    rows[std::move(key)] = std::move(value);
  }
  return true;
}

}  // namespace settled::adapters
