// render/option_schema: what an option is (name, type, range, default, help, group, who may set
// it, whether it may change while running) and the one place where a value is read and checked:
// from command-line words or from JSON, into a typed value.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace bgv::render {

enum class OptionType {
    flag,          // true when given
    integer,       // std::int64_t
    number,        // double
    text,          // std::string, not empty
    integer_list,  // std::vector<std::int64_t>
    choice,        // std::string, one of `choices`
};

struct OptionDef {
    std::string name;  // "pitch_sensitivity": the long flag (--name) and the JSON key
    OptionType type = OptionType::text;
    std::string metavar;       // "N", "FILE"
    std::string default_text;  // as --help shows it; empty when the option has no default
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::int64_t multiple_of = 0;      // integers only; 0 = any
    std::size_t max_items = 0;         // integer lists: at most this many (0 = any)
    std::vector<std::string> choices;  // choice; an integer may list its allowed values too
    std::string help;
    std::string group;           // where --help and the studio show it: "classes", "motion", ...
    bool original_tool = false;  // a flag of the tool bigganviz grows from
    bool client = true;          // a studio request may set it (false: files, the server's process)
    bool live = false;           // may change while a live session runs
    bool identity = false;       // decides the video's pixels (part of a render's identity)
};

using OptionValue =
    std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>>;
// Checked values by option name.
using OptionValues = std::map<std::string, OptionValue, std::less<>>;

// Reads the words a command line gives an option (none for a flag, one for a scalar, one or more
// for a list) as `spelling` (the flag as typed) and checks them: UsageError in one line naming
// the flag, the value and what is allowed ("-ps 500: not allowed, expected an integer 200–295").
OptionValue option_from_words(const OptionDef& def, std::span<const std::string> words,
                              std::string_view spelling);
// The same from a JSON value ("pitch_sensitivity": 230): a list of integers must be a JSON array
// of integers, an integer a JSON integer (2.9 and 1e300 are refused, never truncated).
OptionValue option_from_json(const OptionDef& def, const nlohmann::json& value);
// Checks a typed value against the option's type, range and choices.
void check_option_value(const OptionDef& def, const OptionValue& value, std::string_view spelling);

// The value as JSON, and as the words a command line gives it (empty for a flag).
nlohmann::json option_json(const OptionValue& value);
std::vector<std::string> option_words(const OptionValue& value);
// "an integer 200–295", "one of seed, beat": for messages and help.
std::string allowed_values(const OptionDef& def);
// The option as GET /api/options and --help describe it.
nlohmann::json option_def_json(const OptionDef& def);

}  // namespace bgv::render
