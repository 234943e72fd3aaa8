#pragma once
// The field readers under the definition validator (parser.cpp): each reads one field of a state
// machine definition, checks it against the ASL rules and records every problem it finds (with
// where it is) instead of stopping at the first, so an author fixes them all in one go.

#include "domain/asl/state_machine.hpp"
#include "domain/json_path.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settled::asl {

class DefinitionReader {
 protected:
  void fail(const std::string& where, const std::string& rule);
  // Keeps the first kMaxListedProblems problems (each cut to kMaxProblemBytes) and counts all.
  void record(std::string problem);
  // `where` + ".States['<name>']", the name cut to kMaxStateNameLength (a longer one is refused).
  static std::string state_where(const std::string& where, std::string_view name);
  void allow_fields(const boost::json::object& obj, const std::string& where,
                    std::initializer_list<const char*> allowed);
  std::optional<std::string> optional_string(const boost::json::object& obj,
                                             const std::string& where, const char* field);
  std::optional<std::string> required_string(const boost::json::object& obj,
                                             const std::string& where, const char* field);
  std::optional<std::int64_t> optional_int(const boost::json::object& obj, const std::string& where,
                                           const char* field, std::int64_t min, const char* rule);
  std::optional<std::int64_t> optional_positive_int(const boost::json::object& obj,
                                                    const std::string& where, const char* field);
  std::optional<jsonpath::Path> path_field(const boost::json::value& v, const std::string& where,
                                           bool reference_only, bool allow_context);
  // A Fail state's ErrorPath/CausePath: a path, or an intrinsic function call.
  void path_or_intrinsic(const boost::json::value& v, const std::string& where,
                         std::optional<jsonpath::Path>& path, std::optional<Intrinsic>& call);
  OptionalPath optional_path(const boost::json::object& obj, const std::string& where,
                             const char* field, bool reference_only);
  // The fields only a Map in DISTRIBUTED mode has (distributed_map_reader.cpp); refused on an
  // inline Map.
  void read_distributed_map(const boost::json::object& obj, const std::string& where, State& state);
  // A state's or catcher's "Assign": an object whose keys are variable names ("name" or
  // "name.$"), compiled like Parameters.
  std::optional<PayloadTemplate> assign_field(const boost::json::object& obj,
                                              const std::string& where);
  std::optional<PayloadTemplate> template_field(const boost::json::object& obj,
                                                const std::string& where, const char* field);
  std::vector<std::string> error_equals(const boost::json::object& obj, const std::string& where);
  void check_operand(const std::string& comparator, const boost::json::value& operand,
                     const std::string& where);
  // `depth` is 1 for a rule in Choices[], 2 for a rule inside its And/Or/Not, and so on.
  ChoiceRule parse_choice_rule(const boost::json::value& v, const std::string& where,
                               bool top_level, int depth);

  std::vector<std::string> errors_;  // the first kMaxListedProblems problems
  std::size_t problems_ = 0;         // all of them
};

}  // namespace settled::asl
