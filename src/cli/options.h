// cli/options: how the command line spells options (every render option of render/'s table, with
// the original tool's short flags, and the options of bigganviz's other subcommands), parsing of
// a command line into checked values, and the --help text.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/frame_rate.h"
#include "render/option_schema.h"

namespace bgv::cli {

// The option named `key`: a render option (render/options.h) or one of the command line's own.
const render::OptionDef& option_def(std::string_view key);
// Its spellings, short flag first: {"-ps", "--pitch_sensitivity"}.
std::vector<std::string> option_spellings(std::string_view key);

// The values given on a command line, already checked. Accessors fall back to the option's
// default; asking for a value that has neither is a UsageError naming the flag.
class Args {
  public:
    bool has(std::string_view key) const { return values_.contains(key); }
    bool flag(std::string_view key) const;
    std::int64_t integer(std::string_view key) const;
    double number(std::string_view key) const;
    std::string text(std::string_view key) const;
    std::vector<std::int64_t> integers(std::string_view key) const;
    std::optional<std::string> optional_text(std::string_view key) const;

    void set(const std::string& key, render::OptionValue value) {
        values_.insert_or_assign(key, std::move(value));
    }
    const render::OptionValues& values() const { return values_; }

    // Positional words, for the commands that take them ("models fetch NAME").
    const std::vector<std::string>& words() const { return words_; }
    void add_word(std::string word) { words_.push_back(std::move(word)); }

  private:
    render::OptionValue value_or_default(std::string_view key) const;
    render::OptionValues values_;
    std::vector<std::string> words_;
};

// Parses `arguments` (without the program and subcommand names) accepting only `accepted` keys.
// Throws UsageError with one line: the flag, the value and what is allowed. A word that is not a
// flag or a flag's value is an error unless `accepts_words`, when it goes to Args::words().
Args parse_args(std::span<const std::string> arguments, std::span<const std::string> accepted,
                std::string_view command, bool accepts_words = false);

// The render options among `args` (those of render/'s table), for render::render_options_from.
render::OptionValues render_values(const Args& args);

// Usage and options of one subcommand, each option with its spellings, default and range.
// `words` describes the positional words of a command that takes them ("list | fetch NAME").
std::string help_text(std::string_view command, std::string_view summary,
                      std::span<const std::string> accepted, std::string_view words = "");

}  // namespace bgv::cli
