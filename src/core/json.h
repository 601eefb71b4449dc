// core/json: reading the JSON files users and caches hand us (config.json, run.json, records):
// a syntax or type error becomes one readable line, and every number is read against its bounds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bgv {

inline constexpr std::uint64_t kMaxJsonFileBytes = std::uint64_t{16} << 20;

// Throws "invalid JSON at line L, column C: <what was wrong>" for bad text.
nlohmann::json parse_json(std::string_view text);
// parse_json of a file (core/file's type and size checks), the file's name as context.
nlohmann::json read_json_file(const std::filesystem::path& path,
                              std::uint64_t max_bytes = kMaxJsonFileBytes);

// nlohmann's message without its "[json.exception.type_error.302] " tag.
std::string json_error_text(const nlohmann::json::exception& error);

// The integer at `key` of `object` (an integral number, in [min, max]), or `fallback` when the key
// is absent (an error when there is no fallback). Otherwise throws one line:
// "channel_width: expected an integer 1–4096, got 1000000000.0".
std::int64_t json_integer(const nlohmann::json& object, std::string_view key, std::int64_t min,
                          std::int64_t max, std::optional<std::int64_t> fallback = std::nullopt);
// A finite number in [min, max], likewise.
double json_number(const nlohmann::json& object, std::string_view key, double min, double max,
                   std::optional<double> fallback = std::nullopt);
bool json_boolean(const nlohmann::json& object, std::string_view key,
                  std::optional<bool> fallback = std::nullopt);
// A list of min_count..max_count integers, each in [min, max]; `what` names it in messages.
std::vector<std::int64_t> json_integer_list(const nlohmann::json& value, std::string_view what,
                                            std::int64_t min, std::int64_t max,
                                            std::size_t min_count, std::size_t max_count);

}  // namespace bgv
