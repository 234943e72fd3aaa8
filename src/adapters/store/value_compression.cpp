#include "adapters/store/value_compression.hpp"

#include <zstd.h>

#include <memory>

namespace settled::embedded {
extern const unsigned char kStoreDictionaryV1[];
extern const std::size_t kStoreDictionaryV1Size;
}  // namespace settled::embedded

namespace settled::adapters {

namespace {

constexpr int kLevel = 1;  // the fastest of the regular levels: this runs at every commit

// The dictionary digested once for each direction; shared read-only by every thread.
struct Dictionary {
  std::unique_ptr<ZSTD_CDict, decltype(&ZSTD_freeCDict)> compress{
      ZSTD_createCDict(embedded::kStoreDictionaryV1, embedded::kStoreDictionaryV1Size, kLevel),
      ZSTD_freeCDict};
  std::unique_ptr<ZSTD_DDict, decltype(&ZSTD_freeDDict)> decompress{
      ZSTD_createDDict(embedded::kStoreDictionaryV1, embedded::kStoreDictionaryV1Size),
      ZSTD_freeDDict};
};

const Dictionary& dictionary() {
  static const Dictionary loaded;
  return loaded;
}

bool has_zstd_magic(std::string_view bytes) {
  return bytes.size() >= 4 && static_cast<unsigned char>(bytes[0]) == 0x28 &&
         static_cast<unsigned char>(bytes[1]) == 0xB5 &&
         static_cast<unsigned char>(bytes[2]) == 0x2F &&
         static_cast<unsigned char>(bytes[3]) == 0xFD;
}

struct CompressionContext {
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> compress{ZSTD_createCCtx(), ZSTD_freeCCtx};
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> decompress{ZSTD_createDCtx(), ZSTD_freeDCtx};
};

// One per thread: the store's writer compresses, any reader decompresses.
CompressionContext& context() {
  thread_local CompressionContext contexts;
  return contexts;
}

}  // namespace

bool is_compressed_table(Table table) {
  switch (table) {
    case Table::kExecutions:
    case Table::kHistory:
    case Table::kRecords:
    case Table::kNotifications:
    case Table::kAlerts:
    case Table::kStripeIntents:
    case Table::kStripeIdempotency:
    case Table::kStateMachines:
    case Table::kEvents:
    case Table::kStripeRequests:
    case Table::kStripeEvents:
    case Table::kStripeObjects:
    case Table::kStripeSimEvents:
    case Table::kVeriffDecisions:
    case Table::kNotificationOutbox:
    case Table::kNotificationDeadLetters:
      return true;
    default:
      return false;
  }
}

std::string_view stored_form(Table table, std::string_view value, std::string& scratch) {
  if (value.size() < kCompressFromBytes || !is_compressed_table(table)) return value;
  scratch.resize(ZSTD_compressBound(value.size()));
  const std::size_t size =
      ZSTD_compress_usingCDict(context().compress.get(), scratch.data(), scratch.size(),
                               value.data(), value.size(), dictionary().compress.get());
  if (ZSTD_isError(size) || size >= value.size()) return value;
  scratch.resize(size);
  return scratch;
}

std::string_view written_form(Table table, std::string_view stored, std::string& scratch) {
  if (!is_compressed_table(table) || !has_zstd_magic(stored)) return stored;
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  // A damaged header, or a size no value of ours could have (the payload limit is far below).
  constexpr unsigned long long kMaxValueBytes = 1ULL << 30;
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxValueBytes)
    return stored;
  // Frames from before the dictionary name none (id 0); an id we do not know cannot be read.
  const unsigned dictionary_id = ZSTD_getDictID_fromFrame(stored.data(), stored.size());
  if (dictionary_id != 0 && dictionary_id != kStoreDictionaryId) return stored;
  scratch.resize(static_cast<std::size_t>(size));
  const std::size_t written =
      dictionary_id == 0
          ? ZSTD_decompressDCtx(context().decompress.get(), scratch.data(), scratch.size(),
                                stored.data(), stored.size())
          : ZSTD_decompress_usingDDict(context().decompress.get(), scratch.data(), scratch.size(),
                                       stored.data(), stored.size(), dictionary().decompress.get());
  if (ZSTD_isError(written) || written != size) return stored;
  return scratch;
}

}  // namespace settled::adapters
