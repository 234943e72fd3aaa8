#pragma once
// The value helpers under the intrinsic functions (intrinsic_functions.cpp): numbers and text as
// Step Functions (a JVM) writes them, UTF-8/UTF-16 lengths, Base64 and digests.

#include <openssl/evp.h>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settled::asl::intrinsic {

namespace json = boost::json;

// Numbers
// Java's Math.round (Step Functions runs on the JVM): halves go up, so -2.5 -> -2. floor() and
// the subtraction are exact, so 0.49999999999999994 stays 0 (floor(x + 0.5) would give 1).
double java_round(double x);

// An integer argument. Step Functions rounds a fraction to the nearest integer ("If you specify a
// non-integer value ... Step Functions will round it off"). Nullopt outside the int64 range.
std::optional<std::int64_t> rounded_integer(const json::value& v);

// A double as Java's Double.toString writes it (what Step Functions shows): "1.5", "2.0",
// "1.0E7", "1.0E-4" -- the shortest digits that read back to the same double.
std::string java_double_text(double d);

std::string number_text(const json::value& v);

// Text forms of values
// Compact JSON, numbers written as Step Functions writes them (Boost would write 1.5 as "1.5E0").
void write_json(std::string& out, const json::value& v);

// A value as States.Format inserts it: strings as they are, other scalars as JSON, and arrays and
// objects the way Java prints its collections ("[a, 1]", "{k=v, n=1}"), as Step Functions does.
void write_format_text(std::string& out, const json::value& v);

// Text
std::size_t utf8_sequence_length(unsigned char lead);

// Characters as the JVM counts them (UTF-16 code units), for the 10,000-character limits.
// JSON strings are valid UTF-8 already.
std::size_t utf16_length(std::string_view s);

std::string base64_encode(std::string_view bytes);

// MIME Base64: line breaks and spaces are skipped; padding may be left out but, when present,
// must complete the last group.
std::optional<std::string> base64_decode(std::string_view text);

std::string hex(const unsigned char* bytes, std::size_t size);

const EVP_MD* hash_algorithm(std::string_view name);

}  // namespace settled::asl::intrinsic
