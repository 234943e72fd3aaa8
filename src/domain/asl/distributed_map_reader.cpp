// DefinitionReader::read_distributed_map: the fields of a Map state in DISTRIBUTED mode. settled
// runs such a Map in-process over the items of its input, like an inline Map, with its
// tolerated failures, item batches and label; an ItemReader (S3) or ResultWriter is refused.

#include "domain/asl/definition_reader.hpp"

#include <boost/json.hpp>

namespace settled::asl {

namespace json = boost::json;

void DefinitionReader::read_distributed_map(const json::object& obj, const std::string& where,
                                            State& state) {
  static const char* const kOnlyDistributed[] = {"ItemReader",
                                                 "ResultWriter",
                                                 "ItemBatcher",
                                                 "ToleratedFailureCount",
                                                 "ToleratedFailurePercentage",
                                                 "ToleratedFailureCountPath",
                                                 "ToleratedFailurePercentagePath",
                                                 "Label"};
  if (!state.distributed) {
    for (const char* field : kOnlyDistributed)
      if (obj.contains(field))
        fail(where + "." + field,
             "belongs to a Map in DISTRIBUTED mode (ItemProcessor.ProcessorConfig.Mode)");
    return;
  }
  for (const char* field : {"ItemReader", "ResultWriter"})
    if (obj.contains(field))
      fail(where + "." + field,
           std::string("is not supported: settled runs a distributed Map in-process over the "
                       "items of its input (ItemsPath), and reads and writes no S3 objects; ") +
               "remove " + field);
  state.label = optional_string(obj, where, "Label").value_or("");
  if (state.label.size() > 40) fail(where + ".Label", "must be at most 40 characters");
  for (char c : state.label)
    if (c == ' ' || c == '<' || c == '>' || c == '{' || c == '}' || c == '[' || c == ']' ||
        c == '?' || c == '*' || c == '"' || c == '#' || c == '%' || c == '\\' || c == '^' ||
        c == '|' || c == '~' || c == '`' || c == '$' || c == '&' || c == ',' || c == ';' ||
        c == ':' || c == '/' || static_cast<unsigned char>(c) < 0x20) {
      fail(where + ".Label",
           "must not contain blanks, control characters or "
           "<>{}[]?*\"#%\\^|~`$&,;:/");
      break;
    }
  state.tolerated_failure_count =
      optional_int(obj, where, "ToleratedFailureCount", 0, "must be a non-negative integer");
  if (const json::value* p = obj.if_contains("ToleratedFailureCountPath")) {
    if (obj.contains("ToleratedFailureCount"))
      fail(where,
           "must not have both \"ToleratedFailureCount\" and "
           "\"ToleratedFailureCountPath\"");
    state.tolerated_failure_count_path =
        path_field(*p, where + ".ToleratedFailureCountPath", true, true);
  }
  if (const json::value* p = obj.if_contains("ToleratedFailurePercentage")) {
    if (!p->is_number() || p->to_number<double>() < 0 || p->to_number<double>() > 100)
      fail(where + ".ToleratedFailurePercentage", "must be a number from 0 to 100");
    else
      state.tolerated_failure_percentage = p->to_number<double>();
  }
  if (const json::value* p = obj.if_contains("ToleratedFailurePercentagePath")) {
    if (obj.contains("ToleratedFailurePercentage"))
      fail(where,
           "must not have both \"ToleratedFailurePercentage\" and "
           "\"ToleratedFailurePercentagePath\"");
    state.tolerated_failure_percentage_path =
        path_field(*p, where + ".ToleratedFailurePercentagePath", true, true);
  }
  if (const json::value* b = obj.if_contains("ItemBatcher")) {
    const std::string w = where + ".ItemBatcher";
    if (!b->is_object()) {
      fail(w, "must be a JSON object");
      return;
    }
    const auto& batcher = b->as_object();
    allow_fields(batcher, w,
                 {"MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                  "MaxInputBytesPerBatchPath", "BatchInput"});
    State::Batcher out;
    out.max_items = optional_positive_int(batcher, w, "MaxItemsPerBatch");
    if (const json::value* p = batcher.if_contains("MaxItemsPerBatchPath"))
      out.max_items_path = path_field(*p, w + ".MaxItemsPerBatchPath", true, true);
    out.max_bytes = optional_positive_int(batcher, w, "MaxInputBytesPerBatch");
    if (out.max_bytes && *out.max_bytes > 256 * 1024)
      fail(w + ".MaxInputBytesPerBatch", "must be at most 262144 (256 KiB)");
    if (const json::value* p = batcher.if_contains("MaxInputBytesPerBatchPath"))
      out.max_bytes_path = path_field(*p, w + ".MaxInputBytesPerBatchPath", true, true);
    if ((out.max_items && out.max_items_path) || (out.max_bytes && out.max_bytes_path))
      fail(w, "must not have both a limit and its Path form");
    if (!out.max_items && !out.max_items_path && !out.max_bytes && !out.max_bytes_path)
      fail(w, "needs MaxItemsPerBatch or MaxInputBytesPerBatch (or their Path forms)");
    out.batch_input = template_field(batcher, w, "BatchInput");
    state.item_batcher = std::move(out);
  }
}

}  // namespace settled::asl
