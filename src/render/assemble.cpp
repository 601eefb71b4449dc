#include "render/assemble.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "audio/decode.h"
#include "core/error.h"
#include "video/mp4_assembler.h"

namespace bgv::render {

namespace fs = std::filesystem;

void assemble_video(const RenderPlan& plan, const WorkFolder& work, const fs::path& output) {
    // The section the video shows (--start, -d): the soundtrack is cut as the features' audio was.
    const audio::NativeAudio native =
        audio::decode_native(plan.song, plan.duration, true, plan.start);
    // The soundtrack stops with the last frame (it is at most one frame shorter than the video).
    const double seconds = seconds_at_frame(plan.frames, plan.frame_rate);
    const auto keep = std::min<std::size_t>(
        native.mono.size(), static_cast<std::size_t>(std::llround(seconds * native.sample_rate)));
    std::vector<fs::path> pieces;
    for (std::int64_t piece = 0; piece < plan.pieces(); ++piece)
        pieces.push_back(work.piece_path(piece));
    const auto channels = static_cast<std::size_t>(native.channels);
    // Burned subtitles are in the picture; otherwise the lyrics are a soft track.
    const std::span<const video::SubtitleCue> soft = plan.encoder.burned_subtitles.empty()
                                                         ? std::span(plan.subtitles)
                                                         : std::span<const video::SubtitleCue>();
    video::assemble_video(
        pieces, plan.encoder, plan.frames,
        {std::span(native.interleaved).first(keep * channels), native.sample_rate, native.channels},
        soft, work.assembled_path());
    if (!output.parent_path().empty())
        fs::create_directories(output.parent_path());
    std::error_code error;
    fs::rename(work.assembled_path(), output, error);
    if (error)
        fail("{}: cannot rename into place: {}", output.string(), error.message());
}

}  // namespace bgv::render
