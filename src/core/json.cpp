#include "core/json.h"

#include <fmt/format.h>

#include <cmath>

#include "core/error.h"
#include "core/file.h"

namespace bgv {

namespace {

// Up to 40 characters of a value as JSON, for "got ..." in messages.
std::string shown(const nlohmann::json& value) {
    std::string text = value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}

const nlohmann::json* member(const nlohmann::json& object, std::string_view key) {
    if (!object.is_object())
        fail("expected a JSON object, got {}", shown(object));
    const auto it = object.find(std::string(key));
    return it == object.end() ? nullptr : &*it;
}

// An integral JSON number within [min, max]: 128, and also 128.0 (some writers emit floats).
std::optional<std::int64_t> as_integer(const nlohmann::json& value, std::int64_t min,
                                       std::int64_t max) {
    if (value.is_number_integer() && !value.is_number_unsigned()) {
        const auto number = value.get<std::int64_t>();
        return number >= min && number <= max ? std::optional(number) : std::nullopt;
    }
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        return max >= 0 && number <= static_cast<std::uint64_t>(max) &&
                       static_cast<std::int64_t>(number) >= min
                   ? std::optional(static_cast<std::int64_t>(number))
                   : std::nullopt;
    }
    if (value.is_number_float()) {
        const double number = value.get<double>();
        if (std::isfinite(number) && number == std::floor(number) &&
            number >= static_cast<double>(min) && number <= static_cast<double>(max))
            return static_cast<std::int64_t>(number);
    }
    return std::nullopt;
}

}  // namespace

std::string json_error_text(const nlohmann::json::exception& error) {
    std::string_view text = error.what();
    if (text.starts_with("[json.exception.")) {
        const auto close = text.find("] ");
        if (close != std::string_view::npos)
            text.remove_prefix(close + 2);
    }
    return std::string(text);
}

nlohmann::json parse_json(std::string_view text) {
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& error) {
        // nlohmann says "parse error at line 3, column 5: syntax error while parsing object -
        // ..."; the position is the useful part, the rest is one readable clause.
        std::string why = json_error_text(error);
        if (why.starts_with("parse error "))
            why.erase(0, 12);
        fail("invalid JSON {}", why);
    }
}

nlohmann::json read_json_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
    const std::string text = read_file_text(path, max_bytes);
    return with_context(path.string(), [&] { return parse_json(text); });
}

std::int64_t json_integer(const nlohmann::json& object, std::string_view key, std::int64_t min,
                          std::int64_t max, std::optional<std::int64_t> fallback) {
    const nlohmann::json* value = member(object, key);
    if (value == nullptr) {
        if (!fallback)
            fail("{}: missing, expected an integer {}–{}", key, min, max);
        return *fallback;
    }
    const auto number = as_integer(*value, min, max);
    if (!number)
        fail("{}: expected an integer {}–{}, got {}", key, min, max, shown(*value));
    return *number;
}

double json_number(const nlohmann::json& object, std::string_view key, double min, double max,
                   std::optional<double> fallback) {
    const nlohmann::json* value = member(object, key);
    if (value == nullptr) {
        if (!fallback)
            fail("{}: missing, expected a number {}–{}", key, min, max);
        return *fallback;
    }
    if (!value->is_number() || !std::isfinite(value->get<double>()) || value->get<double>() < min ||
        value->get<double>() > max)
        fail("{}: expected a number {}–{}, got {}", key, min, max, shown(*value));
    return value->get<double>();
}

bool json_boolean(const nlohmann::json& object, std::string_view key,
                  std::optional<bool> fallback) {
    const nlohmann::json* value = member(object, key);
    if (value == nullptr) {
        if (!fallback)
            fail("{}: missing, expected true or false", key);
        return *fallback;
    }
    if (!value->is_boolean())
        fail("{}: expected true or false, got {}", key, shown(*value));
    return value->get<bool>();
}

std::vector<std::int64_t> json_integer_list(const nlohmann::json& value, std::string_view what,
                                            std::int64_t min, std::int64_t max,
                                            std::size_t min_count, std::size_t max_count) {
    if (!value.is_array() || value.size() < min_count || value.size() > max_count)
        fail("{}: expected a list of {}–{} integers {}–{}, got {}", what, min_count, max_count, min,
             max, shown(value));
    std::vector<std::int64_t> numbers;
    for (const auto& entry : value) {
        const auto number = as_integer(entry, min, max);
        if (!number)
            fail("{}: expected integers {}–{}, got {}", what, min, max, shown(entry));
        numbers.push_back(*number);
    }
    return numbers;
}

}  // namespace bgv
