// Storage per execution (issue 14 item 6): runs payments whose input carries a 1 KB
// (1,000-character) description of varied words, and executions that only wait, through the
// in-process engine wired as the daemon wires it. Prints what each costs in LMDB, per table and
// per execution: pages (what the file grows by) and the key and value bytes as written.
//
// Usage: settled_bench_storage [payments (2000)] [waiting executions (2000)] [--samples DIR]
// Prints bytes_per_payment=N, simulator_bytes_per_payment=N and bytes_per_waiting_execution=N
// (page bytes) last.
//
// --samples DIR writes every stored JSON value, as written, one file each, for training the
// store's compression dictionary (scripts/train-store-dictionary.sh). Those runs draw their
// descriptions from other words and decline every third card, so the dictionary learns the
// stored formats (history events, records, Stripe's objects), not this benchmark's text.

#include "actors/messages.hpp"
#include "adapters/ops/metrics.hpp"
#include "adapters/store/simulator_store_merge.hpp"
#include "adapters/store/value_compression.hpp"
#include "bench_support.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace settled::bench {
namespace {

namespace fs = std::filesystem;

std::uint64_t finished() {
  const auto& metrics = adapters::Metrics::instance();
  return metrics.executions_finished("SUCCEEDED") + metrics.executions_finished("FAILED");
}

// Page bytes, entries and key + value bytes of every table. The Stripe and Veriff simulators'
// tables (Stripe's side, which a deployment does not keep) share the store and are counted apart.
struct Footprint {
  std::array<adapters::TableUsage, kTableCount> tables{};
  std::array<std::size_t, kTableCount> data_bytes{};
  std::size_t page_bytes(bool simulators) const {
    std::size_t sum = 0;
    for (std::size_t i = 0; i < kTableCount; ++i)
      if (adapters::is_simulator_table(static_cast<Table>(i)) == simulators)
        sum += tables[i].page_bytes;
    return sum;
  }
};

// A different 1,000-character description for each payment (the payment workflow's limit), of
// words drawn at random: text compresses about as well as real descriptions do, not like one
// repeated character.
std::string description(std::mt19937& random, bool training) {
  static const char* const kTrainingWords[] = {
      "lorem", "ipsum", "dolor",  "sit",     "amet",   "consectetur", "adipiscing", "elit",
      "sed",   "do",    "tempor", "magna",   "aliqua", "veniam",      "nostrud",    "ullamco",
      "nisi",  "ut",    "ex",     "commodo", "duis",   "aute",        "irure",      "velit"};
  static const char* const kWords[] = {
      "invoice",   "order",     "deposit",  "balance", "services",   "rendered", "for",
      "the",       "month",     "of",       "March",   "April",      "account",  "customer",
      "plumbing",  "repair",    "garden",   "design",  "consulting", "hours",    "week",
      "project",   "milestone", "final",    "payment", "partial",    "refund",   "booking",
      "tutoring",  "session",   "delivery", "fee",     "and",        "with",     "travel",
      "materials", "Berlin",    "Lisbon",   "Ref",     "No."};
  const auto* words = training ? kTrainingWords : kWords;
  std::uniform_int_distribution<std::size_t> word(
      0, (training ? std::size(kTrainingWords) : std::size(kWords)) - 1);
  std::uniform_int_distribution<int> number(0, 99999);
  std::string text;
  while (text.size() < 1000) {
    text += (word(random) % 7 == 0) ? std::to_string(number(random)) : words[word(random)];
    text += ' ';
  }
  text.resize(1000);
  return text;
}

Footprint footprint(const adapters::LmdbStore& store) {
  Footprint f;
  for (std::size_t i = 0; i < kTableCount; ++i) {
    f.tables[i] = store.table_usage(static_cast<Table>(i));
    store.scan(static_cast<Table>(i), "", [&](std::string_view key, std::string_view value) {
      f.data_bytes[i] += key.size() + value.size();
      return true;
    });
  }
  return f;
}

// Every value of the tables the store compresses, as written, one file each.
void write_samples(const adapters::LmdbStore& store, const std::string& dir) {
  fs::create_directories(dir);
  std::size_t files = 0;
  for (std::size_t i = 0; i < kTableCount; ++i) {
    const auto table = static_cast<Table>(i);
    if (!adapters::is_compressed_table(table)) continue;
    std::size_t n = 0;
    store.scan(table, "", [&](std::string_view, std::string_view value) {
      std::ofstream(fs::path(dir) / (std::string(table_name(table)) + "-" + std::to_string(n++)))
          << value;
      return true;
    });
    files += n;
  }
  std::printf("samples: %zu values written to %s\n", files, dir.c_str());
}

// The simulators' tables or settled's own.
void report(const char* what, const Footprint& before, const Footprint& after, int count,
            bool simulators) {
  std::printf("%s: per execution, by table (entries, page bytes, key + value bytes)\n", what);
  for (std::size_t i = 0; i < kTableCount; ++i) {
    if (adapters::is_simulator_table(static_cast<Table>(i)) != simulators) continue;
    const double entries = double(after.tables[i].entries) - double(before.tables[i].entries);
    const double bytes = double(after.tables[i].page_bytes) - double(before.tables[i].page_bytes);
    const double data = double(after.data_bytes[i]) - double(before.data_bytes[i]);
    if (entries == 0 && bytes == 0) continue;
    std::printf("  %-24s %8.2f entries %10.0f page bytes %10.0f data bytes\n",
                table_name(static_cast<Table>(i)), entries / count, bytes / count, data / count);
  }
}

// Starts `count` executions of `machine` with `input(i)` and waits for every admission.
template <typename Input>
void start_all(InProcessEngine& engine, const char* machine, const char* prefix, int count,
               Input input) {
  std::atomic<int> answered{0}, refused{0};
  for (int i = 0; i < count; ++i) {
    actors::StartRequest req;
    req.state_machine = machine;
    req.name = std::string(prefix) + std::to_string(i);
    req.input = input(req.name);
    req.reply = [&](actors::Answer reply) {
      if (!reply.ok() || reply->outcome != settled::Outcome::kCreated) {
        if (refused++ == 0 && !reply.ok())
          std::fprintf(stderr, "storage bench: refused: %s\n", reply.error().message.c_str());
      }
      answered += 1;
    };
    caf::anon_send(engine.executions, actors::start_atom::value, std::move(req));
  }
  while (answered.load() < count) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  if (refused > 0) {
    std::fprintf(stderr, "storage bench: %d %s executions refused\n", refused.load(), machine);
    std::exit(1);
  }
}

int run(int payments, int waiting, const std::string& samples) {
  const bool training = !samples.empty();
  TempDir workflows;
  for (const auto& file :
       fs::directory_iterator(std::string(SETTLED_SOURCE_DIR) + "/config/workflows"))
    fs::copy_file(file.path(), fs::path(workflows.path()) / file.path().filename());
  std::ofstream(fs::path(workflows.path()) / "nap.asl.json")
      << R"({"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}})";
  InProcessEngine engine(workflows.path());
  const adapters::LmdbStore& store = *engine.engine->db;
  auto before = footprint(store);
  const auto finished_before = finished();
  std::mt19937 random(20261205);
  int started = 0;
  start_all(engine, "payment", "pay-", payments, [&](const std::string& id) {
    const bool declined = training && ++started % 3 == 0;
    return boost::json::value(boost::json::object{
        {"paymentId", id},
        {"customerId", training ? "cust-" + std::to_string(started % 50) : "c-1"},
        {"amount", 1250},
        {"currency", "USD"},
        {"paymentMethod", declined ? "pm_card_chargeDeclined" : "pm_card_visa"},
        {"description", description(random, training)}});
  });
  while (finished() - finished_before < static_cast<std::uint64_t>(payments))
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  // The notifications actor drops the outbox rows after the executions' commits (no webhook):
  // measure the store as it settles, not the moment before.
  while (store.count(Table::kNotificationOutbox) > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  auto after = footprint(store);
  report("Stripe simulator, per payment", before, after, payments, true);
  report("payment (1 KB description)", before, after, payments, false);
  const auto per_payment = (after.page_bytes(false) - before.page_bytes(false)) / payments;
  const auto simulator_per_payment = (after.page_bytes(true) - before.page_bytes(true)) / payments;

  before = after;
  start_all(engine, "nap", "nap-", waiting, [](const std::string&) {
    return boost::json::value(boost::json::object{{"note", "waits an hour"}});
  });
  after = footprint(store);
  report("waiting execution", before, after, waiting, false);
  const auto per_waiting = (after.page_bytes(false) - before.page_bytes(false)) / waiting;

  if (training) write_samples(store, samples);
  std::printf(
      "bytes_per_payment=%zu\nsimulator_bytes_per_payment=%zu\n"
      "bytes_per_waiting_execution=%zu\n",
      per_payment, simulator_per_payment, per_waiting);
  return 0;
}

}  // namespace
}  // namespace settled::bench

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  std::string samples;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--samples" && i + 1 < argc)
      samples = argv[++i];
    else
      positional.emplace_back(argv[i]);
  }
  const int payments = positional.size() > 0 ? std::atoi(positional[0].c_str()) : 2000;
  const int waiting = positional.size() > 1 ? std::atoi(positional[1].c_str()) : 2000;
  return settled::bench::run(payments, waiting, samples);
}
