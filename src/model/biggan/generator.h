// model/biggan/generator: the BigGAN-deep generator (128/256/512 px, or any configuration of the
// same family) on the runtime: weights folded at load, one forward pass per batch of (z, y).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "checkpoint/checkpoint.h"
#include "model/biggan/config.h"
#include "model/biggan/grid.h"
#include "model/biggan/precision.h"

namespace bgv::runtime {
class Profile;
}

namespace bgv::biggan {

class Generator {
  public:
    // path: a checkpoint file (.bin/.pt/.safetensors; config.json beside it is used when present,
    // else the configuration is inferred from the shapes) or a folder holding config.json and one
    // checkpoint file. 0 < truncation <= 1. threads <= 0: all cores. precision bf16 runs bf16
    // where the CPU has bfloat16 arithmetic (avx512_bf16, AMX) and fp32 elsewhere, saying so
    // once in the log.
    static Generator load(const std::filesystem::path& path, double truncation, int threads = 0,
                          Precision precision = Precision::fp32);
    static Generator from_state_dict(const checkpoint::StateDict& weights, const Config& config,
                                     double truncation, int threads = 0,
                                     Precision precision = Precision::fp32);

    Generator(Generator&&) noexcept;
    Generator& operator=(Generator&&) noexcept;
    ~Generator();

    const Config& config() const;
    int resolution() const;
    double truncation() const;
    // Re-folds the batch-norm statistics for another truncation (cheap: no weight is re-read).
    void set_truncation(double truncation);
    // The precision the forward pass runs in (a bf16 request on a CPU without it gives fp32).
    Precision precision() const;
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
    // As generate, given up as soon as `abandon` is true (looked at before each block, the
    // attention layer and to_rgb): false then, and `out` holds nothing of use (live mode drops
    // a frame this way when an attack needs the generator at once).
    bool generate_unless(std::span<const float> z, std::span<const float> y, int batch,
                         std::span<float> out, const std::atomic<bool>& abandon);

    // Blocks after the attention layer whose input has at least this many pixels run one
    // sample at a time for batches > 1 (memory: 512 px batch 4 stays under 2.5 GB). Default
    // 128×128; process-wide, for tests and benchmarks.
    static void set_sample_by_sample_min_pixels(std::int64_t pixels);

    // Times each operation into `profile` by kind (3×3 conv, 1×1 conv, attention, ...) while
    // attached (nullptr detaches); for benchmarks.
    void attach_profile(runtime::Profile* profile);
    // Every operation run so far, with the implementation that ran it (oneDNN's impl_info_str,
    // or the runtime's own kernel), so tests can check that no slow fallback is on the path.
    const std::map<std::string, std::string>& implementations() const;

  private:
    struct Impl;
    explicit Generator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

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
