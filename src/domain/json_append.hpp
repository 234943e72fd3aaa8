#pragma once
// JSON text appended to a string the caller reuses: byte for byte what boost::json::serialize
// writes, without the temporary string serialize returns for each value. The history chunk,
// the execution record, the Stripe simulator's rows and the ledger's rows are written with it.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled {

// `text` as a JSON string token, quotes included.
void append_json_string(std::string& out, std::string_view text);

// `value` as JSON text (no white space, as json::serialize writes it).
void append_json(std::string& out, const boost::json::value& value);
// The same for an object or array held as such (no copy into a value first).
void append_json(std::string& out, const boost::json::object& object);
void append_json(std::string& out, const boost::json::array& array);

void append_json_number(std::string& out, std::int64_t number);

// `value` as JSON text: what json::serialize returns, written by this faster writer.
std::string json_text(const boost::json::value& value);
std::string json_text(const boost::json::object& object);
// The text of `value`, or nullopt as soon as it is longer than `limit` bytes (what is too large
// is never written whole).
std::optional<std::string> json_text_within(const boost::json::value& value, std::size_t limit);

// One JSON object written member by member into `out`, as json::serialize writes an object
// with these members in this order. Member names are written as given: plain identifiers,
// nothing to escape.
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  JsonObjectWriter& text(std::string_view name, std::string_view value);
  JsonObjectWriter& number(std::string_view name, std::int64_t value);
  JsonObjectWriter& value(std::string_view name, const boost::json::value& value);
  JsonObjectWriter& value(std::string_view name, const boost::json::object& value);
  JsonObjectWriter& value(std::string_view name, const boost::json::array& value);
  // Starts a member whose value the caller appends next (a nested object or array).
  std::string& member(std::string_view name);
  void close() { out_ += '}'; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace settled
