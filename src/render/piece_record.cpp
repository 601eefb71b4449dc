#include "render/piece_record.h"

#include <nlohmann/json.hpp>

#include "core/file.h"
#include "store/sha256.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

PieceRecord write_piece_record(const fs::path& video, const fs::path& record_path,
                               std::int64_t piece, std::int64_t first_frame, std::int64_t frames,
                               const std::string& identity_digest) {
    PieceRecord record{piece, first_frame, frames, identity_digest, store::sha256_file(video)};
    const json text = {{"piece", piece},
                       {"first_frame", first_frame},
                       {"frames", frames},
                       {"identity_sha256", identity_digest},
                       {"sha256", record.sha256}};
    write_file_atomic(record_path, text.dump(1) + "\n");
    sync_directory(record_path.parent_path());
    return record;
}

std::optional<std::string> piece_problem(const fs::path& video, const fs::path& record_path,
                                         const PieceRecord& expected) {
    if (!fs::is_regular_file(record_path))
        return "it has no record that proves it belongs to this render";
    json record;
    try {
        record = json::parse(read_file_text(record_path));
        if (record.at("identity_sha256").get<std::string>() != expected.identity_digest)
            return "it belongs to another render";
        if (record.at("piece").get<std::int64_t>() != expected.piece ||
            record.at("first_frame").get<std::int64_t>() != expected.first_frame ||
            record.at("frames").get<std::int64_t>() != expected.frames)
            return "its record names another place in the video";
        if (!fs::is_regular_file(video))
            return "its video file is missing";
        if (store::sha256_file(video) != record.at("sha256").get<std::string>())
            return "its bytes differ from those recorded when it was finished";
    } catch (const std::exception&) {
        return "its record is unreadable";
    }
    return std::nullopt;
}

}  // namespace bgv::render
