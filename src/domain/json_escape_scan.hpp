#pragma once
// Where the next byte JSON text must escape is (the quote, the backslash and the control
// characters, as Boost.JSON's serializer escapes): the writers and the size estimate skip the
// plain bytes between eight at a time, instead of testing each (a byte-by-byte loop was a
// tenth of an execution's instructions).

#include <cstdint>
#include <cstring>
#include <string_view>

namespace settled {

inline bool needs_json_escape(unsigned char byte) {
  return byte < 0x20 || byte == '"' || byte == '\\';
}

// The escape json::serialize writes for a byte, 0 for none, 'u' for \u00XX: the quote, the
// backslash and the control characters (serializer.ipp's table).
inline char json_escape_of(unsigned char byte) {
  static constexpr char kControl[] = "uuuuuuuubtnufruuuuuuuuuuuuuuuuuu";
  if (byte < 0x20) return kControl[byte];
  if (byte == '"') return '"';
  if (byte == '\\') return '\\';
  return 0;
}

// The index of the first byte at or after `from` that needs an escape, or text.size().
inline std::size_t next_json_escape(std::string_view text, std::size_t from) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  std::size_t i = from;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    // A high bit per byte that is below 0x20, or equal to a quote or a backslash (a zero byte
    // after the xor). Exact for the bytes below the first match, which is all that is used:
    // a match found here is then located byte by byte.
    const std::uint64_t control = (word - kOnes * 0x20) & ~word;
    const std::uint64_t quote_xor = word ^ (kOnes * '"');
    const std::uint64_t quote = (quote_xor - kOnes) & ~quote_xor;
    const std::uint64_t backslash_xor = word ^ (kOnes * '\\');
    const std::uint64_t backslash = (backslash_xor - kOnes) & ~backslash_xor;
    if ((control | quote | backslash) & kHighs) break;
  }
  for (; i < text.size(); ++i)
    if (needs_json_escape(static_cast<unsigned char>(text[i]))) return i;
  return text.size();
}

}  // namespace settled
