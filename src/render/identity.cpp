#include "render/identity.h"

#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <vector>

#include "store/sha256.h"

namespace bgv::render {

namespace fs = std::filesystem;

namespace {
std::string short_text(const nlohmann::json& value) {
    std::string text = value.is_null() ? "none" : value.dump();
    if (text.size() > 40)
        text = text.substr(0, 37) + "...";
    return text;
}
}  // namespace

std::string vectors_digest(const choreo::Vectors& vectors) {
    store::Sha256 hash;
    hash.update(std::as_bytes(std::span<const double>(vectors.noise)));
    hash.update(std::as_bytes(std::span<const double>(vectors.classes)));
    return hash.hex_digest();
}

std::string weights_identity(const fs::path& weights) {
    std::string text;
    auto add = [&](const fs::path& p) {
        text += fmt::format("{}:{};", p.filename().string(), fs::file_size(p));
    };
    if (fs::is_directory(weights)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(weights)) {
            if (entry.is_regular_file() && entry.path().extension() != ".lock" &&
                entry.path().extension() != ".part" && entry.path().extension() != ".sha256")
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files)
            add(f);
    } else {
        add(weights);
    }
    return text;
}

std::string identity_digest(const nlohmann::json& identity) {
    const std::string text = identity.dump();
    return store::sha256_hex(std::as_bytes(std::span(text.data(), text.size())));
}

std::optional<std::string> describe_difference(const nlohmann::json& before,
                                               const nlohmann::json& now) {
    for (const auto& [key, value] : now.items()) {
        const auto old = before.find(key);
        if (old == before.end())
            return fmt::format("{} is new", key);
        if (*old != value) {
            if (key.ends_with("sha256"))
                return fmt::format("{} changed", key.substr(0, key.size() - 7));
            return fmt::format("{} changed (was {}, now {})", key, short_text(*old),
                               short_text(value));
        }
    }
    for (const auto& [key, value] : before.items()) {
        if (!now.contains(key))
            return fmt::format("{} is gone", key);
    }
    return std::nullopt;
}

}  // namespace bgv::render
