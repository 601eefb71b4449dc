// model/biggan/generator: the BigGAN-deep generator (128/256/512 px, or any configuration of the
// same family) on the runtime: weights folded at load, one forward pass per batch of (z, y).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "checkpoint/checkpoint.h"
#include "model/biggan/config.h"
#include "model/biggan/grid.h"

namespace bgv::biggan {

class Generator {
  public:
    // path: a checkpoint file (.bin/.pt/.safetensors; config.json beside it is used when present,
    // else the configuration is inferred from the shapes) or a folder holding config.json and one
    // checkpoint file. 0 < truncation <= 1. threads <= 0: all cores.
    static Generator load(const std::filesystem::path& path, double truncation, int threads = 0);
    static Generator from_state_dict(const checkpoint::StateDict& weights, const Config& config,
                                     double truncation, int threads = 0);

    Generator(Generator&&) noexcept;
    Generator& operator=(Generator&&) noexcept;
    ~Generator();

    const Config& config() const;
    int resolution() const;
    double truncation() const;
    // Re-folds the batch-norm statistics for another truncation (cheap: no weight is re-read).
    void set_truncation(double truncation);
    // The first grid's cells (docs/shapes.md): 4x4 (the published network, the default) or a
    // wider or taller grid for another aspect (4 to 16 cells each way, as grid_for_aspect makes
    // them); frames are then width() × height(). Cheap: no weight is touched.
    void set_grid(const Grid& grid);
    const Grid& grid() const;
    int width() const;   // cols × resolution / 4
    int height() const;  // rows × resolution / 4

    // z: batch×z_dim, y: batch×num_classes (row-major float32); out: batch×3×H×W in [-1, 1]
    // (NCHW), H × W = height() × width() (R × R unless widened).
    void generate(std::span<const float> z, std::span<const float> y, int batch,
                  std::span<float> out);

    // Blocks after the attention layer whose input has at least this many pixels run one
    // sample at a time for batches > 1 (memory: 512 px batch 4 stays under 2.5 GB). Default
    // 128×128; process-wide, for tests and benchmarks.
    static void set_sample_by_sample_min_pixels(std::int64_t pixels);

  private:
    struct Impl;
    explicit Generator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The same forward pass written plainly in double precision: spectral norm computed per call,
// batch norm applied as its own pass from the raw statistics, no fusion. The oracle the folded
// path is tested against; slow, for small test models.
void generate_unfolded(const checkpoint::StateDict& weights, const Config& config,
                       double truncation, std::span<const float> z, std::span<const float> y,
                       int batch, std::span<float> out);

// Pixels as the published tools make them: floor(clip((x + 1) / 2 · 256, 0, 255)), from one
// image's CHW values to RGB interleaved (R·R·3 bytes, or W·H·3).
void to_rgb8(std::span<const float> chw, int resolution, std::span<std::uint8_t> rgb);
void to_rgb8(std::span<const float> chw, int width, int height, std::span<std::uint8_t> rgb);

// Finds config.json and the checkpoint file for `path` (a file or a folder).
struct ModelFiles {
    std::filesystem::path checkpoint;
    std::filesystem::path config;  // empty when there is none
};
ModelFiles find_model_files(const std::filesystem::path& path);

}  // namespace bgv::biggan
