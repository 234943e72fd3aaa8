#pragma once
// Bytes to and from LMDB's MDB_val, for the files that drive LMDB directly.

#include <lmdb++.h>

#include <string_view>

namespace settled::adapters {

// A view of `bytes` for a put or a get's key: LMDB reads it during the call only.
inline lmdb::val as_val(std::string_view bytes) {
  return lmdb::val{bytes.data(), bytes.size()};
}

// What LMDB gave back, valid until the transaction's next write or its end.
inline std::string_view as_view(const MDB_val& value) {
  return {static_cast<const char*>(value.mv_data), value.mv_size};
}

}  // namespace settled::adapters
