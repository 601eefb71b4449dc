// cli/options: the option table (every flag of the original tool with its spellings, and the
// options of bigganviz's own subcommands), parsing of a command line against it, range checks
// and the --help text.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame_rate.h"

namespace bgv::cli {

enum class ValueKind { flag, integer, number, text, integer_list, number_list, choice };

struct OptionSpec {
    std::string key;                     // canonical name: "pitch_sensitivity"
    std::vector<std::string> spellings;  // "-ps", "--pitch_sensitivity"; "--pitch-sensitivity" too
    ValueKind kind = ValueKind::text;
    std::string metavar;       // "N", "FILE"
    std::string default_text;  // shown by --help; empty when there is no default
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    std::int64_t multiple_of = 0;      // integers only; 0 = any
    std::vector<std::string> choices;  // kind == choice
    std::string help;
    bool original_tool = false;  // a flag of the tool bigganviz grows from (listed first by --help)
};

// Every option any subcommand accepts.
const std::vector<OptionSpec>& option_table();
const OptionSpec& option_spec(std::string_view key);

// The values given on a command line, already checked against their ranges. Accessors fall back
// to the option's default; asking for a value that has neither is a UsageError naming the flag.
class Args {
  public:
    bool has(std::string_view key) const { return values_.contains(std::string(key)); }
    bool flag(std::string_view key) const;
    std::int64_t integer(std::string_view key) const;
    double number(std::string_view key) const;
    std::string text(std::string_view key) const;
    std::vector<std::int64_t> integers(std::string_view key) const;
    std::vector<double> numbers(std::string_view key) const;
    const std::vector<std::string>& raw(std::string_view key) const;
    std::optional<std::string> optional_text(std::string_view key) const;

    void set(const std::string& key, std::vector<std::string> values) {
        values_[key] = std::move(values);
    }
    const std::map<std::string, std::vector<std::string>>& all() const { return values_; }

    // Positional words, for the commands that take them ("models fetch NAME").
    const std::vector<std::string>& words() const { return words_; }
    void add_word(std::string word) { words_.push_back(std::move(word)); }

  private:
    std::vector<std::string> values_or_default(std::string_view key) const;
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> words_;
};

// Parses `arguments` (without the program and subcommand names) accepting only `accepted` keys.
// Throws UsageError with one line: the flag, the value and what is allowed. A word that is not a
// flag or a flag's value is an error unless `accepts_words`, when it goes to Args::words().
Args parse_args(std::span<const std::string> arguments, std::span<const std::string> accepted,
                std::string_view command, bool accepts_words = false);

// --fps as an exact rate, or none when it is not given. -fl with --fps is a UsageError: both set
// the frame rate.
std::optional<FrameRate> frame_rate_option(const Args& args);

// Usage and options of one subcommand, each option with its spellings, default and range.
// `words` describes the positional words of a command that takes them ("list | fetch NAME").
std::string help_text(std::string_view command, std::string_view summary,
                      std::span<const std::string> accepted, std::string_view words = "");

}  // namespace bgv::cli
