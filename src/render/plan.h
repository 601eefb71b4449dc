// render/plan: the first half of a render: song -> features -> classes -> vectors, with the run's
// identity. Made once, saved in the work folder, and loadable there by any process that did not
// make it (every process sharing one render renders from the same plan file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "choreo/vectors.h"
#include "core/frame_rate.h"
#include "render/options.h"
#include "video/segment_writer.h"

namespace bgv::render {

// The frame rate a render's options ask for: --fps, else 22050 / frame_length (one frame per hop,
// written unreduced as the original's).
FrameRate frame_rate_for(const RenderOptions& options);
// Where frame `frame` starts, in seconds, and the first frame at or after `seconds` (rounded).
double seconds_at_frame(std::int64_t frame, FrameRate rate);
std::int64_t frame_at_seconds(double seconds, FrameRate rate);

struct RenderPlan {
    nlohmann::json identity;  // every input that decides the pixels; equal identities, equal video
    std::string identity_digest;  // SHA-256 of `identity`: what owners and pieces are matched by
    nlohmann::json record;        // identity plus what a person wants to read (song path, model)
    std::uint64_t seed = 0;
    std::vector<int> classes;
    std::filesystem::path weights;
    double truncation = 1.0;
    int threads = 0;
    FrameRate frame_rate;
    std::int64_t frames = 0;
    int batch_size = 20;
    int segment_frames = 256;
    video::EncoderSettings encoder;  // width and height are the generator's, set at execution
    choreo::Vectors vectors;         // `frames` noise and class vectors

    std::int64_t pieces() const { return (frames + segment_frames - 1) / segment_frames; }
    std::int64_t piece_first_frame(std::int64_t piece) const { return piece * segment_frames; }
    std::int64_t piece_frames(std::int64_t piece) const;
};

// The entries of a run identity that come from the options and the weights alone (no song, seed
// or vectors): what a process can check against a plan someone else made.
nlohmann::json options_identity(const RenderOptions& options, const std::filesystem::path& weights);

// Plans a render: reads the song (and lyrics, saved vectors, the text model as the options ask),
// writes nothing. `weights` is the resolved generator; `previous_identity` (an unfinished render's)
// gives the seed when none is asked for.
RenderPlan make_plan(const RenderOptions& options, const std::filesystem::path& weights,
                     const std::optional<nlohmann::json>& previous_identity);

// plan.json and the vectors as .npy in `dir`, each atomically; the plan file is written last.
void save_plan(const RenderPlan& plan, const std::filesystem::path& dir);
// The plan saved in `dir`, checked against its own digests; nothing when there is none or it is
// unreadable (an older tool's or a half-written folder).
std::optional<RenderPlan> load_plan(const std::filesystem::path& dir);
// Only the identity in `dir`'s plan file, without reading the vectors.
std::optional<nlohmann::json> read_plan_identity(const std::filesystem::path& dir);

}  // namespace bgv::render
