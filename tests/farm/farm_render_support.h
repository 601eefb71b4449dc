// Helpers of the farm render tests: the bigganviz command on the tiny128 test model over the 3 s
// fixture song in enough pieces to share, run alone or by a launcher, and its record read back.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "core/file.h"
#include "support/process.h"

namespace bgv::test {

namespace fs = std::filesystem;

inline const fs::path kBigganviz = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
inline const fs::path kTinyModel = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";
inline const fs::path kSong = fs::path(BGV_TEST_DATA) / "render/data/chords_3s.wav";
// 3 s at 4096 samples per frame: 17 frames in 9 pieces of 2.
inline constexpr int kFrames = 17;
inline constexpr int kPieces = 9;

// The render options every process of a test gives (the seed is added by the caller).
// `frame_length` 4096 gives 17 frames; a test that must interrupt a render asks for more.
inline std::string render_options(const std::string& output = "out.mp4", int frame_length = 4096) {
    return fmt::format(
        "-s '{}' --weights '{}' -fl {} -t 0.6 -bs 2 --segment_frames 2 --threads 1 -o {}",
        kSong.string(), kTinyModel.string(), frame_length, output);
}

// Runs `command` in `dir` (a shell line); stdout and stderr together in the result.
inline CommandResult run_in(const fs::path& dir, const std::string& command) {
    return run_command(fmt::format("cd '{}' && {{ {}; }} 2>&1", dir.string(), command));
}

inline std::string bigganviz_line(const std::string& arguments) {
    return fmt::format("'{}' {}", kBigganviz.string(), arguments);
}

// Every frame of a video decoded to RGB24 and concatenated.
inline std::string decoded_frames(const fs::path& video) {
    return run_output(
        fmt::format("ffmpeg -v error -i '{}' -f rawvideo -pix_fmt rgb24 -", video.string()));
}

// The video of a single uninterrupted process with `seed`, rendered once per test binary.
inline const std::string& single_process_frames(std::uint64_t seed, int frame_length = 4096) {
    static std::map<std::pair<std::uint64_t, int>, std::string> frames;
    const std::pair key{seed, frame_length};
    if (!frames.contains(key)) {
        const fs::path dir = fresh_temp_dir(fmt::format("farm_single_{}_{}", seed, frame_length));
        const auto result =
            run_in(dir, bigganviz_line(fmt::format("{} --seed {}",
                                                   render_options("out.mp4", frame_length), seed)));
        EXPECT_EQ(result.exit_code, 0) << result.output;
        frames[key] = decoded_frames(dir / "out.mp4");
    }
    return frames[key];
}

inline nlohmann::json saved_record(const fs::path& dir) {
    return nlohmann::json::parse(read_file_text(dir / "saved_vectors/run.json"));
}

// The workers that made the pieces, from the finished render's record; each of the `expected`
// pieces listed once.
inline std::set<std::string> piece_makers(const nlohmann::json& record, int expected = kPieces) {
    std::set<std::string> makers;
    std::set<std::int64_t> pieces;
    for (const auto& piece : record.at("pieces")) {
        makers.insert(piece.at("worker").get<std::string>());
        pieces.insert(piece.at("piece").get<std::int64_t>());
        EXPECT_FALSE(piece.at("host").get<std::string>().empty());
        EXPECT_GE(piece.at("seconds").get<double>(), 0.0);
    }
    EXPECT_EQ(pieces.size(), static_cast<std::size_t>(expected));
    EXPECT_EQ(record.at("pieces").size(), static_cast<std::size_t>(expected));
    return makers;
}

}  // namespace bgv::test
