// libFuzzer target: JSONPath. Input: the path on the first line, a JSON document after it.
// Compiles the path, selects from the document and, for a reference path, assigns into it.

#include "domain/json_path.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace settled;
  const auto [path_text, doc_text] = fuzz::split_line(fuzz::as_text(data, size));
  auto path = jsonpath::compile(path_text);
  if (!path) {
    if (path.error().code != ErrorCode::kInvalidDefinition) __builtin_trap();
    return 0;
  }
  auto doc = fuzz::parse_json(doc_text, 256);
  if (!doc) return 0;
  auto selected = jsonpath::select(*path, *doc);
  if (selected && !path->is_definite() && !selected->is_array()) __builtin_trap();
  if (path->is_reference() && !path->is_context()) {
    auto assigned = jsonpath::assign(*doc, *path, boost::json::value(1));
    // What was assigned must be found where it was put.
    if (assigned) {
      auto back = jsonpath::select(*path, *assigned);
      if (!back || *back != boost::json::value(1)) __builtin_trap();
    }
  }
  return 0;
}
