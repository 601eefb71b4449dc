// render/options: what a render is asked for (the song, the model, the choreography, batching),
// free of command-line spellings, and the factory that makes its frame generator.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "choreo/beat.h"
#include "choreo/vectors.h"
#include "core/frame_rate.h"
#include "farm/launch.h"
#include "render/frame_generator.h"

namespace bgv::render {

struct RenderOptions {
    std::filesystem::path song;
    std::optional<std::filesystem::path> output;   // default: output/<song stem>.mp4
    int resolution = 512;                          // picks biggan-deep-<resolution> in the store
    std::optional<std::filesystem::path> weights;  // instead of the store
    std::optional<double> duration;                // seconds from `start`
    double start = 0;                              // seconds: the section [start, start+duration)
    std::optional<double> max_duration;            // --max_duration: refuse a longer section
    std::optional<FrameRate> fps;                  // --fps; else one frame per frame_length

    std::string choreography = "seed";  // seed (the original's) | beat
    choreo::Params choreo;              // the seed choreography's, and truncation for both
    choreo::BeatParams beat;            // the beat choreography's (truncation: choreo's)
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

    // The processes sharing this render (render/shared_render); one process by default.
    farm::Launch launch;
};

// Makes the generator for a weights file or folder at a truncation.
using GeneratorFactory = std::function<std::unique_ptr<FrameGenerator>(
    const std::filesystem::path& weights, double truncation, int threads)>;

// The output a render writes when none is given: output/<song stem>.mp4.
std::filesystem::path default_output(const std::filesystem::path& song);

// Options that contradict each other (two sources of classes, a class list of the wrong length,
// batches or pieces of no frames): UsageError in words of the options, not of any command line.
// The command line checks first with its own spellings; this guards every other caller.
void check_options(const RenderOptions& options);

}  // namespace bgv::render
