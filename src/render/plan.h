// render/plan: the first half of a render: song -> features -> classes -> vectors, with the run's
// identity. Made once into the work folder, the vectors written frame by frame as the
// choreography makes them (an hour of song never lies in memory), and loadable there by any
// process that did not make it (every process sharing one render renders from the same plan).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/frame_rate.h"
#include "core/npy_rows.h"
#include "model/biggan/grid.h"
#include "render/options.h"
#include "text/lyrics.h"
#include "video/segment_writer.h"
#include "video/subtitles.h"

namespace bgv::render {

// The frame rate a render's options ask for: --fps, else 22050 / frame_length (one frame per hop,
// written unreduced as the original's).
FrameRate frame_rate_for(const RenderOptions& options);
// Where frame `frame` starts, in seconds, and the first frame at or after `seconds` (rounded).
double seconds_at_frame(std::int64_t frame, FrameRate rate);
std::int64_t frame_at_seconds(double seconds, FrameRate rate);

// The plan's vectors in its folder, read a batch at a time.
class PlanVectors {
  public:
    explicit PlanVectors(const std::filesystem::path& dir);
    std::int64_t frames() const { return noise_.rows(); }
    // Frames [first, first + count) as float32 for the generator: z count x 128, y count x 1000.
    void read(std::int64_t first, std::int64_t count, std::vector<float>& z,
              std::vector<float>& y) const;
    // SHA-256 of the float64 values, noise first, then classes (render/identity's digest).
    std::string digest() const;

  private:
    NpyRowReader noise_, classes_;
};

struct RenderPlan {
    nlohmann::json identity;  // every input that decides the pixels; equal identities, equal video
    std::string identity_digest;  // SHA-256 of `identity`: what pieces are matched by
    nlohmann::json record;        // identity plus what a person wants to read (song path, model)
    std::filesystem::path dir;    // the folder holding plan.json and the vectors
    std::filesystem::path song;
    double start = 0;                // the section of the song the video shows
    std::optional<double> duration;  //
    std::uint64_t seed = 0;
    std::vector<int> classes;
    std::filesystem::path weights;
    double truncation = 1.0;
    int threads = 0;
    FrameRate frame_rate;
    std::int64_t frames = 0;
    int batch_size = 20;
    int segment_frames = 256;
    biggan::Grid grid;               // the generator's first grid (--aspect, --widen)
    video::EncoderSettings encoder;  // width and height are the generator's, set at execution
    // The timed lyrics shown in the video, from its first frame (empty: none): burned into the
    // picture when encoder.burned_subtitles holds them, else the soft subtitle track.
    std::vector<video::SubtitleCue> subtitles;

    std::int64_t pieces() const { return (frames + segment_frames - 1) / segment_frames; }
    std::int64_t piece_first_frame(std::int64_t piece) const { return piece * segment_frames; }
    std::int64_t piece_frames(std::int64_t piece) const;
    std::filesystem::path noise_file() const;    // frames x 128 float64 .npy
    std::filesystem::path classes_file() const;  // frames x 1000 float64 .npy
};

// What a process asks for before any analysis: every option that decides the pixels
// (options_json's identity entries: the seed and classes null when drawn; the grid, codec,
// container, quality, delivered size and burned subtitles' style as render/video_settings resolves
// them), the weights, and the digests of the song and of the other files the render reads
// (lyrics, saved vectors). A plan made for the same request is the render's plan: a drawn seed
// matches any.
nlohmann::json render_request(const RenderOptions& options, const std::filesystem::path& weights);
// The first entry of `request` that `identity` (a plan's) disagrees with, in words ("truncation
// changed (was 1.0, now 0.5)"); nothing when the plan answers the request.
std::optional<std::string> request_difference(const nlohmann::json& request,
                                              const nlohmann::json& identity);

// Plans a render into `dir` (which must hold no other plan): reads the song (and saved vectors,
// the text model as the options ask), writes the vectors and plan.json last. `request` is
// render_request(options, weights); `previous` (an unfinished render's identity) gives the seed
// when none is asked for; `lyrics` are the options' lyrics as read_render_lyrics read them (they
// choose the classes, and timed ones are the subtitles).
RenderPlan make_plan(const RenderOptions& options, const nlohmann::json& request,
                     const std::filesystem::path& weights,
                     const std::optional<nlohmann::json>& previous,
                     const std::filesystem::path& dir,
                     const std::optional<text::Lyrics>& lyrics = std::nullopt);

// The plan saved in `dir`, checked against its own digests; nothing when there is none or it is
// unreadable (an older tool's or a half-written folder).
std::optional<RenderPlan> load_plan(const std::filesystem::path& dir);
// Only the identity in `dir`'s plan file, without reading the vectors.
std::optional<nlohmann::json> read_plan_identity(const std::filesystem::path& dir);

}  // namespace bgv::render
