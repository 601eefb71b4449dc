// render/renderer: the whole pipeline of `bigganviz render`: song -> features -> vectors ->
// generator batches -> H.264 pieces -> mp4 with the song's audio, resumable after any interruption.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "choreo/vectors.h"
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

// Renders (or resumes) and returns the output's path. Throws bgv::Error / UsageError.
std::filesystem::path render(const RenderOptions& options, const GeneratorFactory& make_generator);

// The output a render writes when none is given: output/<song stem>.mp4.
std::filesystem::path default_output(const std::filesystem::path& song);

}  // namespace bgv::render
