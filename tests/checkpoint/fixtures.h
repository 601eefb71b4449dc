// Paths and helpers shared by the checkpoint tests.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "core/file.h"

namespace bgv::checkpoint::test {

inline std::filesystem::path data_dir() {
    return std::filesystem::path(BGV_TEST_DATA) / "checkpoint" / "data";
}

inline std::vector<std::byte> fixture_bytes(const std::string& name) {
    return read_file_bytes(data_dir() / name);
}

inline std::vector<std::byte> bytes_of(std::string_view text) {
    const auto raw = std::as_bytes(std::span(text.data(), text.size()));
    return {raw.begin(), raw.end()};
}

// A scratch folder under the build tree, unique per test, emptied first.
inline std::filesystem::path scratch_dir(const std::string& name) {
    auto dir = std::filesystem::path(BGV_BINARY_DIR) / "test-scratch" / "checkpoint" / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace bgv::checkpoint::test
