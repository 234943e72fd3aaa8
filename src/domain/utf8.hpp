// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing above U+10FFFF.
// Text from a request (a header, a path) may be any bytes; JSON written by settled must not be.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace settled {

// The length of the well-formed sequence starting at text[at], or 0 if none starts there.
std::size_t utf8_sequence_at(std::string_view text, std::size_t at);

bool valid_utf8(std::string_view text);

// The text with each byte that starts no well-formed sequence replaced by U+FFFD, so that an
// error message quoting request bytes is still valid JSON text.
std::string valid_utf8_or_replaced(std::string_view text);

// Text a message quotes from a request (a field name, a state name), cut to at most
// `max_bytes` (never inside a UTF-8 sequence) with "..." after it when it was longer, so a
// hostile name of a megabyte cannot make an answer of one.
std::string cut_for_display(std::string_view text, std::size_t max_bytes = 64);

// A name a client sent (a URL segment, a request field) as an error message quotes it: whole
// when no longer than `longest`, the longest a name of its kind can be, so a message about a
// real name is unchanged; a longer one names nothing and is cut as cut_for_display cuts it.
std::string quote_name(std::string_view name, std::size_t longest);

}  // namespace settled
