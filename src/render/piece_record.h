// render/piece_record: what proves a finished piece of video belongs to a render: a sidecar
// "segment_NNNNNN.json" beside "segment_NNNNNN.mp4", written atomically after the piece, carrying
// the run identity's digest, the piece's place and the SHA-256 of its bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace bgv::render {

struct PieceRecord {
    std::int64_t piece = 0;
    std::int64_t first_frame = 0;
    std::int64_t frames = 0;
    std::string identity_digest;  // RenderPlan::identity_digest of the render that made it
    std::string sha256;           // of the piece's file
};

// Hashes `video` and writes its record to `record_path` (atomically, synced); returns the record.
PieceRecord write_piece_record(const std::filesystem::path& video,
                               const std::filesystem::path& record_path, std::int64_t piece,
                               std::int64_t first_frame, std::int64_t frames,
                               const std::string& identity_digest);

// Why the piece at `video` cannot be reused as `expected` (its sha256 is ignored), in a few words
// ("it belongs to another render", "its bytes changed"); nothing when it proves it belongs.
std::optional<std::string> piece_problem(const std::filesystem::path& video,
                                         const std::filesystem::path& record_path,
                                         const PieceRecord& expected);

}  // namespace bgv::render
