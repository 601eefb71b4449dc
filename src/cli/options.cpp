#include "cli/options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core/error.h"

namespace bgv::cli {

namespace {

// "--pitch-sensitivity" and "--pitch_sensitivity" are the same flag.
std::string normalise_spelling(std::string_view token) {
    std::string text(token);
    if (text.starts_with("--"))
        std::replace(text.begin() + 2, text.end(), '-', '_');
    return text;
}

std::string main_spelling(const OptionSpec& spec) {
    return spec.spellings.back();
}

std::string format_number(double value) {
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    return fmt::format("{:g}", value);
}

std::string allowed_text(const OptionSpec& spec) {
    if (spec.kind == ValueKind::choice) {
        std::string text = "one of ";
        for (std::size_t i = 0; i < spec.choices.size(); ++i) {
            text += (i ? ", " : "") + spec.choices[i];
        }
        return text;
    }
    std::string text;
    const bool integral = spec.kind == ValueKind::integer || spec.kind == ValueKind::integer_list;
    const bool bounded = std::isfinite(spec.min) || std::isfinite(spec.max);
    if (bounded) {
        text = fmt::format("{} {}–{}", integral ? "an integer" : "a number",
                           format_number(spec.min), format_number(spec.max));
    } else {
        text = integral ? "an integer" : "a number";
    }
    if (spec.multiple_of > 0)
        text += fmt::format(", a multiple of {}", spec.multiple_of);
    return text;
}

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

void check_value(const OptionSpec& spec, const std::string& flag, const std::string& value) {
    auto reject = [&] {
        fail_usage("{} {}: not allowed, expected {}", flag, value, allowed_text(spec));
    };
    switch (spec.kind) {
        case ValueKind::flag:
        case ValueKind::text:
            if (value.empty())
                fail_usage("{}: expected a value, got an empty string", flag);
            return;
        case ValueKind::choice:
            if (std::find(spec.choices.begin(), spec.choices.end(), value) == spec.choices.end()) {
                reject();
            }
            return;
        case ValueKind::integer:
        case ValueKind::integer_list: {
            const auto parsed = parse_integer(value);
            if (!parsed)
                reject();
            const auto v = static_cast<double>(*parsed);
            if (v < spec.min || v > spec.max)
                reject();
            if (spec.multiple_of > 0 && *parsed % spec.multiple_of != 0)
                reject();
            return;
        }
        case ValueKind::number:
        case ValueKind::number_list: {
            const auto parsed = parse_number(value);
            if (!parsed || *parsed < spec.min || *parsed > spec.max)
                reject();
            return;
        }
    }
}

const OptionSpec* find_by_spelling(const std::string& spelling,
                                   std::span<const std::string> accepted) {
    for (const auto& key : accepted) {
        const OptionSpec& spec = option_spec(key);
        for (const auto& s : spec.spellings) {
            if (normalise_spelling(s) == spelling)
                return &spec;
        }
    }
    return nullptr;
}

// No option is spelled with a digit after its dash: "-1/2" (--shard) and "-3" are values.
bool looks_like_flag(const std::string& token) {
    return token.size() > 1 && token[0] == '-' &&
           !std::isdigit(static_cast<unsigned char>(token[1])) && !parse_number(token).has_value();
}

}  // namespace

const OptionSpec& option_spec(std::string_view key) {
    for (const auto& spec : option_table()) {
        if (spec.key == key)
            return spec;
    }
    throw Error(fmt::format("internal: no option named '{}'", key));
}

Args parse_args(std::span<const std::string> arguments, std::span<const std::string> accepted,
                std::string_view command, bool accepts_words) {
    Args args;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string& token = arguments[i];
        if (!looks_like_flag(token) && accepts_words) {
            args.add_word(token);
            continue;
        }
        if (!looks_like_flag(token)) {
            fail_usage("unexpected argument '{}' (see `bigganviz {} --help`)", token, command);
        }
        std::string spelling = normalise_spelling(token);
        std::optional<std::string> inline_value;
        if (const auto eq = spelling.find('='); eq != std::string::npos && spelling[1] == '-') {
            inline_value = token.substr(eq + 1);
            spelling.resize(eq);
        }
        const OptionSpec* spec = find_by_spelling(spelling, accepted);
        if (spec == nullptr) {
            fail_usage("unknown option '{}' for `bigganviz {}` (see --help)", token, command);
        }
        const std::string flag = spelling;
        std::vector<std::string> values;
        if (spec->kind == ValueKind::flag) {
            if (inline_value)
                fail_usage("{} takes no value", flag);
            values.push_back("1");
        } else if (inline_value) {
            values.push_back(*inline_value);
        } else if (spec->kind == ValueKind::integer_list || spec->kind == ValueKind::number_list) {
            while (i + 1 < arguments.size() && !looks_like_flag(arguments[i + 1])) {
                values.push_back(arguments[++i]);
            }
        } else if (i + 1 < arguments.size() && !looks_like_flag(arguments[i + 1])) {
            values.push_back(arguments[++i]);
        }
        if (values.empty()) {
            fail_usage("{}: expected a value ({})", flag,
                       spec->kind == ValueKind::text ? spec->metavar : allowed_text(*spec));
        }
        for (const auto& value : values)
            check_value(*spec, flag, value);
        if (args.has(spec->key))
            fail_usage("{} given twice", flag);
        args.set(spec->key, std::move(values));
    }
    return args;
}

std::vector<std::string> Args::values_or_default(std::string_view key) const {
    if (auto it = values_.find(std::string(key)); it != values_.end())
        return it->second;
    const OptionSpec& spec = option_spec(key);
    if (spec.default_text.empty() || spec.kind == ValueKind::text) {
        fail_usage("{} is required", main_spelling(spec));
    }
    return {spec.default_text};
}

bool Args::flag(std::string_view key) const {
    return has(key);
}

std::int64_t Args::integer(std::string_view key) const {
    const auto values = values_or_default(key);
    return *parse_integer(values.front());
}

double Args::number(std::string_view key) const {
    const auto values = values_or_default(key);
    return *parse_number(values.front());
}

std::string Args::text(std::string_view key) const {
    return values_or_default(key).front();
}

std::optional<std::string> Args::optional_text(std::string_view key) const {
    if (!has(key))
        return std::nullopt;
    return raw(key).front();
}

const std::vector<std::string>& Args::raw(std::string_view key) const {
    auto it = values_.find(std::string(key));
    if (it == values_.end())
        fail_usage("{} is required", main_spelling(option_spec(key)));
    return it->second;
}

std::vector<std::int64_t> Args::integers(std::string_view key) const {
    std::vector<std::int64_t> out;
    for (const auto& v : values_or_default(key))
        out.push_back(*parse_integer(v));
    return out;
}

std::vector<double> Args::numbers(std::string_view key) const {
    std::vector<double> out;
    for (const auto& v : values_or_default(key))
        out.push_back(*parse_number(v));
    return out;
}

std::optional<FrameRate> frame_rate_option(const Args& args) {
    if (!args.has("fps"))
        return std::nullopt;
    if (args.has("frame_length"))
        fail_usage("-fl/--frame_length and --fps both set the frame rate: give one of them");
    return parse_frame_rate(args.raw("fps").front());
}

namespace {
std::string help_line(const OptionSpec& spec) {
    std::string names;
    for (const auto& s : spec.spellings)
        names += (names.empty() ? "" : ", ") + s;
    if (spec.kind != ValueKind::flag) {
        names += " " + spec.metavar;
        if (spec.kind == ValueKind::integer_list || spec.kind == ValueKind::number_list)
            names += " ...";
    }
    std::string details = spec.help;
    if (!spec.default_text.empty())
        details += fmt::format(" [default: {}]", spec.default_text);
    if (spec.kind != ValueKind::flag && spec.kind != ValueKind::text)
        details += fmt::format(" [{}]", allowed_text(spec));
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
        const OptionSpec& spec = option_spec(key);
        (spec.original_tool ? original : own) += help_line(spec);
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
