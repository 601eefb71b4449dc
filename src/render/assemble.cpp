#include "render/assemble.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "audio/section_stream.h"
#include "core/error.h"
#include "video/mp4_assembler.h"

namespace bgv::render {

namespace fs = std::filesystem;

void assemble_video(const RenderPlan& plan, const WorkFolder& work, const fs::path& output) {
    // The section the video shows (--start, -d): the soundtrack is cut as the features' audio
    // was, and stops with the last frame (it is at most one frame shorter than the video). It is
    // decoded while it is muxed, a block at a time.
    audio::SectionStream song(plan.song, audio::Section{plan.start, plan.duration, std::nullopt});
    const int sample_rate = song.info().sample_rate;
    const int channels = song.info().channels;
    const auto keep = static_cast<std::size_t>(
        std::llround(seconds_at_frame(plan.frames, plan.frame_rate) * sample_rate));
    std::size_t given = 0;  // sample times handed to the muxer
    video::AudioTrack soundtrack{
        sample_rate, channels, [&](std::span<float> into) {
            const std::size_t wanted =
                std::min(into.size() / static_cast<std::size_t>(channels), keep - given);
            const std::size_t got =
                song.read(into.first(wanted * static_cast<std::size_t>(channels)));
            given += got;
            return got;
        }};
    std::vector<fs::path> pieces;
    for (std::int64_t piece = 0; piece < plan.pieces(); ++piece)
        pieces.push_back(work.piece_path(piece));
    // Burned subtitles are in the picture; otherwise the lyrics are a soft track.
    const std::span<const video::SubtitleCue> soft = plan.encoder.burned_subtitles.empty()
                                                         ? std::span(plan.subtitles)
                                                         : std::span<const video::SubtitleCue>();
    video::assemble_video(pieces, plan.encoder, plan.frames, soundtrack, soft,
                          work.assembled_path());
    if (!output.parent_path().empty())
        fs::create_directories(output.parent_path());
    std::error_code error;
    fs::rename(work.assembled_path(), output, error);
    if (error)
        fail("{}: cannot rename into place: {}", output.string(), error.message());
}

}  // namespace bgv::render
