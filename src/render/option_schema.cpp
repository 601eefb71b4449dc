#include "render/option_schema.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::render {

using nlohmann::json;

namespace {

std::string format_bound(double value) {
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    return fmt::format("{:g}", value);
}

bool is_integral(OptionType type) {
    return type == OptionType::integer || type == OptionType::integer_list;
}

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end)
        return std::nullopt;
    return value;
}

[[noreturn]] void reject(const OptionDef& def, std::string_view spelling, std::string_view value) {
    fail_usage("{} {}: not allowed, expected {}", spelling, value, allowed_values(def));
}

void check_integer(const OptionDef& def, std::int64_t value, std::string_view spelling) {
    const auto v = static_cast<double>(value);
    const std::string text = std::to_string(value);
    const bool listed = def.choices.empty() || std::find(def.choices.begin(), def.choices.end(),
                                                         text) != def.choices.end();
    if (v < def.min || v > def.max || (def.multiple_of > 0 && value % def.multiple_of != 0) ||
        !listed)
        reject(def, spelling, text);
}

std::int64_t integer_word(const OptionDef& def, const std::string& word,
                          std::string_view spelling) {
    const auto value = parse_integer(word);
    if (!value)
        reject(def, spelling, word);
    return *value;
}

// A JSON number that is an integer exactly (7, 7.0), else nothing: 2.9 and 1e300 are not.
std::optional<std::int64_t> json_integer(const json& value) {
    if (value.is_number_integer())
        return value.get<std::int64_t>();
    if (value.is_number_unsigned()) {
        const auto v = value.get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            return std::nullopt;
        return static_cast<std::int64_t>(v);
    }
    if (value.is_number_float()) {
        const double v = value.get<double>();
        if (std::isfinite(v) && std::trunc(v) == v && std::abs(v) < 9007199254740992.0)
            return static_cast<std::int64_t>(v);
    }
    return std::nullopt;
}

std::string shown(const json& value) {
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

const char* type_name(OptionType type) {
    switch (type) {
        case OptionType::flag:
            return "flag";
        case OptionType::integer:
            return "integer";
        case OptionType::number:
            return "number";
        case OptionType::text:
            return "text";
        case OptionType::integer_list:
            return "integer_list";
        case OptionType::choice:
            return "choice";
    }
    BGV_ASSERT(false, "option type {}", static_cast<int>(type));
}

json bound(double value) {
    return std::isfinite(value) ? json(value) : json(nullptr);
}

}  // namespace

std::string allowed_values(const OptionDef& def) {
    if (def.type == OptionType::choice || !def.choices.empty())
        return fmt::format("one of {}", fmt::join(def.choices, ", "));
    if (def.type == OptionType::flag)
        return "no value";
    if (def.type == OptionType::text)
        return fmt::format("a {}", def.metavar.empty() ? "text" : def.metavar);
    const bool integral = is_integral(def.type);
    std::string text = integral ? "an integer" : "a number";
    if (std::isfinite(def.min) || std::isfinite(def.max))
        text += fmt::format(" {}–{}", format_bound(def.min), format_bound(def.max));
    if (def.multiple_of > 0)
        text += fmt::format(", a multiple of {}", def.multiple_of);
    return text;
}

void check_option_value(const OptionDef& def, const OptionValue& value, std::string_view spelling) {
    switch (def.type) {
        case OptionType::flag:
            BGV_ASSERT(std::holds_alternative<bool>(value), "{} holds no flag", def.name);
            return;
        case OptionType::integer:
            BGV_ASSERT(std::holds_alternative<std::int64_t>(value), "{} holds no integer",
                       def.name);
            check_integer(def, std::get<std::int64_t>(value), spelling);
            return;
        case OptionType::integer_list: {
            BGV_ASSERT(std::holds_alternative<std::vector<std::int64_t>>(value),
                       "{} holds no integer list", def.name);
            const auto& list = std::get<std::vector<std::int64_t>>(value);
            if (list.empty())
                fail_usage("{}: expected one value or more, got none", spelling);
            if (def.max_items > 0 && list.size() > def.max_items)
                fail_usage("{}: {} values not allowed, expected at most {}", spelling, list.size(),
                           def.max_items);
            for (const std::int64_t item : list)
                check_integer(def, item, spelling);
            return;
        }
        case OptionType::number: {
            BGV_ASSERT(std::holds_alternative<double>(value), "{} holds no number", def.name);
            const double v = std::get<double>(value);
            if (!std::isfinite(v) || v < def.min || v > def.max)
                reject(def, spelling, fmt::format("{}", v));
            return;
        }
        case OptionType::text: {
            BGV_ASSERT(std::holds_alternative<std::string>(value), "{} holds no text", def.name);
            if (std::get<std::string>(value).empty())
                fail_usage("{}: expected a value, got an empty string", spelling);
            return;
        }
        case OptionType::choice: {
            BGV_ASSERT(std::holds_alternative<std::string>(value), "{} holds no choice", def.name);
            const auto& v = std::get<std::string>(value);
            if (std::find(def.choices.begin(), def.choices.end(), v) == def.choices.end())
                reject(def, spelling, v);
            return;
        }
    }
}

OptionValue option_from_words(const OptionDef& def, std::span<const std::string> words,
                              std::string_view spelling) {
    if (def.type == OptionType::flag) {
        if (!words.empty())
            fail_usage("{} takes no value", spelling);
        return true;
    }
    if (words.empty()) {
        fail_usage("{}: expected a value ({})", spelling,
                   def.type == OptionType::text ? def.metavar : allowed_values(def));
    }
    if (def.type != OptionType::integer_list && words.size() > 1)
        fail_usage("{}: expected one value, got {}", spelling, words.size());
    OptionValue value;
    switch (def.type) {
        case OptionType::integer:
            value = integer_word(def, words[0], spelling);
            break;
        case OptionType::integer_list: {
            std::vector<std::int64_t> list;
            for (const auto& word : words)
                list.push_back(integer_word(def, word, spelling));
            value = std::move(list);
            break;
        }
        case OptionType::number: {
            const auto number = parse_number(words[0]);
            if (!number)
                reject(def, spelling, words[0]);
            value = *number;
            break;
        }
        case OptionType::text:
        case OptionType::choice:
        case OptionType::flag:
            value = words[0];
            break;
    }
    check_option_value(def, value, spelling);
    return value;
}

OptionValue option_from_json(const OptionDef& def, const json& value) {
    const std::string spelling = fmt::format("\"{}\":", def.name);
    const auto wrong = [&](std::string_view expected) {
        fail_usage("{} {} not allowed, expected {}", spelling, shown(value), expected);
    };
    OptionValue typed;
    switch (def.type) {
        case OptionType::flag:
            if (!value.is_boolean())
                wrong("true or false");
            typed = value.get<bool>();
            break;
        case OptionType::integer: {
            const auto integer = json_integer(value);
            if (!integer)
                wrong(allowed_values(def));
            typed = *integer;
            break;
        }
        case OptionType::integer_list: {
            if (!value.is_array())
                wrong(fmt::format("a list of {}", allowed_values(def)));
            std::vector<std::int64_t> list;
            for (const auto& item : value) {
                const auto integer = json_integer(item);
                if (!integer)
                    wrong(fmt::format("a list of {}", allowed_values(def)));
                list.push_back(*integer);
            }
            typed = std::move(list);
            break;
        }
        case OptionType::number:
            if (!value.is_number())
                wrong(allowed_values(def));
            typed = value.get<double>();
            break;
        case OptionType::text:
        case OptionType::choice:
            if (!value.is_string())
                wrong(allowed_values(def));
            typed = value.get<std::string>();
            break;
    }
    check_option_value(def, typed, spelling);
    return typed;
}

json option_json(const OptionValue& value) {
    return std::visit([](const auto& v) { return json(v); }, value);
}

std::vector<std::string> option_words(const OptionValue& value) {
    struct Words {
        std::vector<std::string> operator()(bool) const { return {}; }
        std::vector<std::string> operator()(std::int64_t v) const { return {std::to_string(v)}; }
        // The shortest text that reads back as the same double.
        std::vector<std::string> operator()(double v) const { return {fmt::format("{}", v)}; }
        std::vector<std::string> operator()(const std::string& v) const { return {v}; }
        std::vector<std::string> operator()(const std::vector<std::int64_t>& list) const {
            std::vector<std::string> words;
            for (const auto v : list)
                words.push_back(std::to_string(v));
            return words;
        }
    };
    return std::visit(Words{}, value);
}

json option_def_json(const OptionDef& def) {
    return {{"name", def.name},
            {"kind", type_name(def.type)},
            {"metavar", def.metavar},
            {"default", def.default_text},
            {"min", bound(def.min)},
            {"max", bound(def.max)},
            {"multiple_of", def.multiple_of},
            {"choices", def.choices},
            {"help", def.help},
            {"group", def.group},
            {"live", def.live},
            {"allowed", allowed_values(def)}};
}

}  // namespace bgv::render
