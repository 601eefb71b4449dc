// render/renderer: the whole pipeline of `bigganviz render`: song -> features -> vectors ->
// generator batches -> H.264 pieces -> mp4 with the song's audio, resumable after any interruption.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "choreo/vectors.h"
#include "core/error.h"
#include "render/frame_generator.h"

namespace bgv::render {

struct RenderOptions {
    std::filesystem::path song;
    std::optional<std::filesystem::path> output;   // default: output/<song stem>.mp4
    int resolution = 512;                          // picks biggan-deep-<resolution> in the store
    std::optional<std::filesystem::path> weights;  // instead of the store
    std::optional<double> duration;                // seconds from the start

    choreo::Params choreo;
    int num_classes = 12;
    std::vector<int> classes;  // empty: random
    bool sort_by_power = false;
    bool use_last_vectors = false;
    bool use_last_classes = false;
    std::optional<std::filesystem::path> lyrics;        // classes by meaning (text/)
    std::string encoding_strategy = "random";           // best | random
    std::optional<std::filesystem::path> text_weights;  // MiniLM folder instead of the store
    std::optional<std::uint64_t> seed;                  // drawn, printed and recorded when absent

    int batch_size = 20;
    int threads = 0;           // generator threads, 0 = all cores
    int segment_frames = 256;  // frames per resumable piece
    int crf = 17;
    std::filesystem::path vectors_dir = "saved_vectors";
};

// Makes the generator for a weights file or folder at a truncation.
using GeneratorFactory = std::function<std::unique_ptr<FrameGenerator>(
    const std::filesystem::path& weights, double truncation, int threads)>;

// What a caller other than the command line (the studio) follows and steers of a render.
struct RenderHooks {
    // Called from the rendering thread after each batch is encoded (and once when all are).
    std::function<void(std::int64_t frames_done, std::int64_t frames_total)> progress;
    // Set by another thread: the render stops after the current batch and throws Cancelled; the
    // pieces already finished stay, so the same render resumes from there.
    const std::atomic<bool>* cancel = nullptr;
};

// Thrown by render() when RenderHooks::cancel was set.
class Cancelled : public Error {
  public:
    using Error::Error;
};

// The checks render() makes of the options before it touches the song or the model (options that
// contradict each other, class ids): throws UsageError. For callers that accept a render now and
// run it later (the studio's queue).
void check_options(const RenderOptions& options);

// Renders (or resumes) and returns the output's path. Throws bgv::Error / UsageError.
std::filesystem::path render(const RenderOptions& options, const GeneratorFactory& make_generator,
                             const RenderHooks& hooks = {});

// The output a render writes when none is given: output/<song stem>.mp4.
std::filesystem::path default_output(const std::filesystem::path& song);

}  // namespace bgv::render
