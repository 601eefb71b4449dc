// render/identity: the run identity: every input that decides a render's pixels, as JSON. Two
// renders with equal identities make the same video, so pieces, owners and plans are matched by it.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "choreo/vectors.h"

namespace bgv::render {

// SHA-256 of the vectors' float64 values (noise first, then classes).
std::string vectors_digest(const choreo::Vectors& vectors);

// Name and size of every file that makes the model: enough to notice another model, cheap enough
// not to re-hash 200 MB on every run (the store checks hashes when it fetches).
std::string weights_identity(const std::filesystem::path& weights);

// SHA-256 of the identity's compact JSON text.
std::string identity_digest(const nlohmann::json& identity);

// The first entry that differs between two run identities, as "truncation changed (was 1, now
// 0.5)"; nothing when they are equal.
std::optional<std::string> describe_difference(const nlohmann::json& before,
                                               const nlohmann::json& now);

}  // namespace bgv::render
