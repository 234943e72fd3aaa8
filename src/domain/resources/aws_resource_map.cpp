#include "domain/resources/aws_resource_map.hpp"

#include "domain/resources/builtin.hpp"

#include <algorithm>

namespace settled::aws {

namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool valid_name(std::string_view name, std::size_t max) {
  return !name.empty() && name.size() <= max && std::all_of(name.begin(), name.end(), name_char);
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

Error refuse(std::string_view entry, const std::string& why) {
  return Error{ErrorCode::kInvalidRequest,
               "resource-map entry \"" + std::string(entry.substr(0, 200)) + "\": " + why};
}

}  // namespace

std::string lambda_function_name(std::string_view text) {
  std::vector<std::string_view> parts = split(text, ':');
  std::string_view name;
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:Q] (also aws-cn, aws-us-gov partitions)
  if (parts.size() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" &&
      parts.size() <= 8)
    name = parts[6];
  else if (parts.size() >= 3 && parts.size() <= 4 && parts[1] == "function")
    name = parts[2];  // ACCOUNT:function:NAME[:Q]
  else if (parts.size() <= 2 && parts[0] != "arn")
    name = parts[0];  // NAME[:Q]
  return valid_name(name, 140) ? std::string(name) : std::string();
}

std::string ResourceMap::function(std::string_view name_or_arn) const {
  auto it = functions.find(lambda_function_name(name_or_arn));
  return it == functions.end() ? std::string() : it->second;
}

Result<ResourceMap> parse_resource_map(const std::vector<std::string>& entries) {
  if (entries.size() > kMaxResourceMapEntries)
    return Error{ErrorCode::kInvalidRequest, "resource-map has " + std::to_string(entries.size()) +
                                                 " entries; at most " +
                                                 std::to_string(kMaxResourceMapEntries)};
  ResourceMap map;
  for (const std::string& entry : entries) {
    if (entry.size() > kMaxResourceMapEntryBytes)
      return refuse(entry, "longer than " + std::to_string(kMaxResourceMapEntryBytes) + " bytes");
    const std::size_t eq = entry.find('=');  // ARNs have none; a URL may
    if (eq == std::string::npos || eq == 0 || eq + 1 == entry.size())
      return refuse(entry, "expected FROM=TO");
    const std::string from = entry.substr(0, eq);
    const std::string to = entry.substr(eq + 1);
    const std::vector<std::string_view> parts = split(from, ':');
    if (parts.size() < 6 || parts[0] != "arn" || parts[1].rfind("aws", 0) != 0)
      return refuse(entry,
                    "FROM must be an ARN: arn:aws:lambda:...:function:NAME, "
                    "arn:aws:sns:...:TOPIC or arn:aws:dynamodb:...:table/NAME");
    const std::string_view service = parts[2];
    if (service == "lambda") {
      const std::string name = lambda_function_name(from);
      if (name.empty() || parts[5] != "function" || parts.size() != 7)
        return refuse(entry, "a Lambda ARN is arn:aws:lambda:REGION:ACCOUNT:function:NAME");
      const bool url = to.rfind("https://", 0) == 0 || to.rfind("http://", 0) == 0;
      if (!url && (to.rfind("settled:", 0) != 0 || !find_resource(to) || waits_for_task_token(to) ||
                   to == kHttpInvoke))
        return refuse(entry, "\"" + to + "\" is neither a settled resource nor an http(s) URL");
      if (map.functions.count(name)) return refuse(entry, "function " + name + " is mapped twice");
      map.functions[name] = url ? kHttpInvoke : to;
      if (url) map.function_urls[name] = to;
    } else if (service == "sns") {
      if (parts.size() != 6 || !valid_name(parts[5], 256))
        return refuse(entry, "an SNS topic ARN is arn:aws:sns:REGION:ACCOUNT:TOPIC");
      if (to != "settled:alert.raise" && to != "settled:notify.send")
        return refuse(entry, "a topic maps to settled:alert.raise or settled:notify.send");
      map.topics[from] = to;
    } else if (service == "dynamodb") {
      if (parts.size() != 6 || parts[5].rfind("table/", 0) != 0 ||
          !valid_name(parts[5].substr(6), 255))
        return refuse(entry, "a table ARN is arn:aws:dynamodb:REGION:ACCOUNT:table/NAME");
      std::vector<std::string> keys;
      for (std::string_view k : split(to, ',')) {
        if (!valid_name(k, 255)) return refuse(entry, "TO is the key attributes: NAME[,NAME]");
        keys.emplace_back(k);
      }
      if (keys.size() > 2) return refuse(entry, "a table key has one or two attributes");
      map.tables[std::string(parts[5].substr(6))] = std::move(keys);
    } else {
      return refuse(entry, "only lambda, sns and dynamodb ARNs are mapped");
    }
  }
  return map;
}

}  // namespace settled::aws
