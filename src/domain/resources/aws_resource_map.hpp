#pragma once
// The resource-map option: which settled resource an AWS ARN in a definition runs as
// (docs/aws-resources.md). Parsed once at start from entries "FROM=TO":
//   arn:aws:lambda:REGION:ACCOUNT:function:NAME=settled:payment.validate   a Lambda function
//   arn:aws:lambda:REGION:ACCOUNT:function:NAME=https://host/path          ... as an HTTP POST
//                                                                          (settled:http.invoke)
//   arn:aws:sns:REGION:ACCOUNT:TOPIC=settled:notify.send                   an SNS topic
//   arn:aws:dynamodb:REGION:ACCOUNT:table/NAME=paymentId[,createdAt]        a table's key
// Lambda functions are known by name (the region, account and any :version or :alias qualifier
// of the ARN a definition uses are not compared), topics by their whole ARN, tables by name.

#include "domain/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace settled::aws {

inline constexpr std::size_t kMaxResourceMapEntries = 1000;
inline constexpr std::size_t kMaxResourceMapEntryBytes = 2048;
inline constexpr const char* kHttpInvoke = "settled:http.invoke";

struct ResourceMap {
  std::map<std::string, std::string> functions;  // Lambda function name → settled resource
  // Lambda function name → the URL settled:http.invoke POSTs its payload to (its functions
  // entry is settled:http.invoke). The URL is checked by the client at start.
  std::map<std::string, std::string> function_urls;
  std::map<std::string, std::string> topics;  // SNS topic ARN → alert.raise | notify.send
  std::map<std::string, std::vector<std::string>> tables;  // table name → key attributes

  bool empty() const { return functions.empty() && topics.empty() && tables.empty(); }
  // The settled resource a Lambda function (a name, an ARN, with or without a qualifier) is
  // mapped to; empty when it is not mapped.
  std::string function(std::string_view name_or_arn) const;
};

// Every entry checked; a refusal names the entry and what is wrong with it.
Result<ResourceMap> parse_resource_map(const std::vector<std::string>& entries);

// The function name in "NAME", "NAME:QUALIFIER", "ACCOUNT:function:NAME[:Q]" or
// "arn:aws:lambda:REGION:ACCOUNT:function:NAME[:Q]"; empty when it is none of them.
std::string lambda_function_name(std::string_view name_or_arn);

}  // namespace settled::aws
