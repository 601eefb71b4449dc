#include "cli/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/error.h"
#include "render/options.h"

namespace bgv::cli {

using render::OptionDef;
using render::OptionType;
using render::OptionValue;

namespace {

// "--pitch-sensitivity" and "--pitch_sensitivity" are the same flag.
std::string normalise_spelling(std::string_view token) {
    std::string text(token);
    if (text.starts_with("--"))
        std::replace(text.begin() + 2, text.end(), '-', '_');
    return text;
}

bool is_number(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return ec == std::errc() && ptr == end;
}

// No option is spelled with a digit after its dash: "-1/2" (--shard) and "-3" are values.
bool looks_like_flag(const std::string& token) {
    return token.size() > 1 && token[0] == '-' &&
           !std::isdigit(static_cast<unsigned char>(token[1])) && !is_number(token);
}

const OptionDef* find_by_spelling(const std::string& spelling,
                                  std::span<const std::string> accepted) {
    for (const auto& key : accepted) {
        for (const auto& s : option_spellings(key)) {
            if (normalise_spelling(s) == spelling)
                return &option_def(key);
        }
    }
    return nullptr;
}

}  // namespace

Args parse_args(std::span<const std::string> arguments, std::span<const std::string> accepted,
                std::string_view command, bool accepts_words) {
    Args args;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& token = arguments[i];
        if (!looks_like_flag(token) && accepts_words) {
            args.add_word(token);
            continue;
        }
        if (!looks_like_flag(token))
            fail_usage("unexpected argument '{}' (see `bigganviz {} --help`)", token, command);
        std::string spelling = normalise_spelling(token);
        std::optional<std::string> inline_value;
        if (const auto eq = spelling.find('='); eq != std::string::npos && spelling[1] == '-') {
            inline_value = token.substr(eq + 1);
            spelling.resize(eq);
        }
        const OptionDef* def = find_by_spelling(spelling, accepted);
        if (def == nullptr)
            fail_usage("unknown option '{}' for `bigganviz {}` (see --help)", token, command);
        std::vector<std::string> words;
        if (inline_value) {
            words.push_back(*inline_value);
        } else if (def->type == OptionType::integer_list) {
            while (i + 1 < arguments.size() && !looks_like_flag(arguments[i + 1]))
                words.push_back(arguments[++i]);
        } else if (def->type != OptionType::flag && i + 1 < arguments.size() &&
                   !looks_like_flag(arguments[i + 1])) {
            words.push_back(arguments[++i]);
        }
        if (args.has(def->name))
            fail_usage("{} given twice", spelling);
        args.set(def->name, render::option_from_words(*def, words, spelling));
    }
    return args;
}

OptionValue Args::value_or_default(std::string_view key) const {
    if (const auto it = values_.find(key); it != values_.end())
        return it->second;
    const OptionDef& def = option_def(key);
    if (def.type == OptionType::flag)
        return false;
    if (def.default_text.empty() || def.type == OptionType::text)
        fail_usage("{} is required", option_spellings(key).back());
    std::vector<std::string> words;
    if (def.type == OptionType::integer_list) {
        for (auto begin = def.default_text.begin(); begin != def.default_text.end();) {
            const auto end = std::find(begin, def.default_text.end(), ' ');
            words.emplace_back(begin, end);
            begin = end == def.default_text.end() ? end : end + 1;
        }
    } else {
        words.push_back(def.default_text);
    }
    return render::option_from_words(def, words, option_spellings(key).back());
}

bool Args::flag(std::string_view key) const {
    return std::get<bool>(value_or_default(key));
}

std::int64_t Args::integer(std::string_view key) const {
    return std::get<std::int64_t>(value_or_default(key));
}

double Args::number(std::string_view key) const {
    return std::get<double>(value_or_default(key));
}

std::string Args::text(std::string_view key) const {
    return std::get<std::string>(value_or_default(key));
}

std::optional<std::string> Args::optional_text(std::string_view key) const {
    if (!has(key))
        return std::nullopt;
    return text(key);
}

std::vector<std::int64_t> Args::integers(std::string_view key) const {
    return std::get<std::vector<std::int64_t>>(value_or_default(key));
}

render::OptionValues render_values(const Args& args) {
    render::OptionValues values;
    for (const auto& [key, value] : args.values()) {
        if (render::find_render_option(key) != nullptr)
            values.emplace(key, value);
    }
    return values;
}

namespace {
std::string help_line(const OptionDef& def) {
    const auto spellings = option_spellings(def.name);
    std::string names = fmt::format("{}", fmt::join(spellings, ", "));
    if (def.type != OptionType::flag) {
        names += " " + def.metavar;
        if (def.type == OptionType::integer_list)
            names += " ...";
    }
    std::string details = def.help;
    if (!def.default_text.empty())
        details += fmt::format(" [default: {}]", def.default_text);
    if (def.type != OptionType::flag && def.type != OptionType::text)
        details += fmt::format(" [{}]", render::allowed_values(def));
    return fmt::format("  {:<32} {}\n", names, details);
}
}  // namespace

std::string help_text(std::string_view command, std::string_view summary,
                      std::span<const std::string> accepted, std::string_view words) {
    std::string text = fmt::format("usage: bigganviz {}{}{} [options]\n\n{}\n", command,
                                   words.empty() ? "" : " ", words, summary);
    // The original tool's flags first, as its users know them, then bigganviz's own.
    std::string original, own;
    for (const auto& key : accepted) {
        const OptionDef& def = option_def(key);
        (def.original_tool ? original : own) += help_line(def);
    }
    if (!original.empty()) {
        text += "\noptions of the original tool (same spellings and defaults):\n" + original;
        text += "\nbigganviz's own options:\n" + own;
    } else {
        text += "\noptions:\n" + own;
    }
    text += "\nLong options also take dashes (--pitch-sensitivity) and NAME=VALUE.\n";
    return text;
}

}  // namespace bgv::cli
