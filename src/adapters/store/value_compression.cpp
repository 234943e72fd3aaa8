#include "adapters/store/value_compression.hpp"

#include <zstd.h>

#include <memory>

namespace settled::embedded {
extern const unsigned char kStoreDictionaryV1[];
extern const std::size_t kStoreDictionaryV1Size;
extern const unsigned char kStoreDictionaryV2[];
extern const std::size_t kStoreDictionaryV2Size;
}  // namespace settled::embedded

namespace settled::adapters {

namespace {

constexpr int kLevel = 1;  // the fastest of the regular levels: this runs at every commit

// The dictionaries digested once for each direction; shared read-only by every thread. Values
// are written with the newest; a frame is read with the one its id names.
struct Dictionaries {
  std::unique_ptr<ZSTD_CDict, decltype(&ZSTD_freeCDict)> compress{
      ZSTD_createCDict(embedded::kStoreDictionaryV2, embedded::kStoreDictionaryV2Size, kLevel),
      ZSTD_freeCDict};
  std::unique_ptr<ZSTD_DDict, decltype(&ZSTD_freeDDict)> decompress_v1{
      ZSTD_createDDict(embedded::kStoreDictionaryV1, embedded::kStoreDictionaryV1Size),
      ZSTD_freeDDict};
  std::unique_ptr<ZSTD_DDict, decltype(&ZSTD_freeDDict)> decompress_v2{
      ZSTD_createDDict(embedded::kStoreDictionaryV2, embedded::kStoreDictionaryV2Size),
      ZSTD_freeDDict};

  const ZSTD_DDict* for_id(unsigned id) const {
    if (id == kStoreDictionaryV1Id) return decompress_v1.get();
    if (id == kStoreDictionaryId) return decompress_v2.get();
    return nullptr;
  }
};

const Dictionaries& dictionaries() {
  static const Dictionaries loaded;
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

std::size_t compress_from_bytes(Table table) {
  switch (table) {
    case Table::kExecutions:
    case Table::kHistory:
    case Table::kRecords:
    case Table::kNotifications:
    case Table::kAlerts:
    case Table::kStateMachines:
    case Table::kEvents:
    case Table::kStripeEvents:
    case Table::kVeriffDecisions:
    case Table::kNotificationOutbox:
    case Table::kNotificationDeadLetters:
      return kCompressFromBytes;
    case Table::kStripeIntents:
    case Table::kStripeIdempotency:
    case Table::kStripeRequests:
    case Table::kStripeObjects:
    case Table::kStripeSimEvents:
      return kSimulatorCompressFromBytes;
    default:
      return kNeverCompressed;
  }
}

bool is_compressed_table(Table table) {
  return compress_from_bytes(table) != kNeverCompressed;
}

std::string_view stored_form(Table table, std::string_view value, std::string& scratch) {
  if (value.size() < compress_from_bytes(table)) return value;
  // Compressed into a buffer that only grows: resizing `scratch` to the bound for each value
  // zero-filled it every time, then only the compressed bytes are copied out.
  thread_local std::string compressed;
  const std::size_t bound = ZSTD_compressBound(value.size());
  if (compressed.size() < bound) compressed.resize(bound);
  const std::size_t size =
      ZSTD_compress_usingCDict(context().compress.get(), compressed.data(), bound, value.data(),
                               value.size(), dictionaries().compress.get());
  if (ZSTD_isError(size) || size >= value.size()) return value;
  scratch.assign(compressed.data(), size);
  return scratch;
}

std::string_view written_form(Table table, std::string_view stored, std::string& scratch) {
  if (!is_compressed_table(table) || !has_zstd_magic(stored)) return stored;
  const unsigned long long size = ZSTD_getFrameContentSize(stored.data(), stored.size());
  // A damaged header, or a size no value of ours could have (the payload limit is far below).
  constexpr unsigned long long kMaxValueBytes = 1ULL << 30;
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxValueBytes)
    return stored;
  // Frames from before the dictionaries name none (id 0); an id we do not know cannot be read.
  const unsigned dictionary_id = ZSTD_getDictID_fromFrame(stored.data(), stored.size());
  const ZSTD_DDict* dictionary = dictionaries().for_id(dictionary_id);
  if (dictionary_id != 0 && !dictionary) return stored;
  scratch.resize(static_cast<std::size_t>(size));
  const std::size_t written =
      dictionary_id == 0
          ? ZSTD_decompressDCtx(context().decompress.get(), scratch.data(), scratch.size(),
                                stored.data(), stored.size())
          : ZSTD_decompress_usingDDict(context().decompress.get(), scratch.data(), scratch.size(),
                                       stored.data(), stored.size(), dictionary);
  if (ZSTD_isError(written) || written != size) return stored;
  return scratch;
}

}  // namespace settled::adapters
