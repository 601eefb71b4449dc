// render/biggan_frames: BigGAN-deep (model/biggan) as the render loop's frame generator, pixels
// made as the published tools make them, batches split to fit a memory budget.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>

#include "model/biggan/config.h"
#include "model/biggan/generator.h"
#include "model/biggan/grid.h"
#include "render/frame_generator.h"
#include "render/options.h"

namespace bgv::render {

// What the CPU generator gains from larger batches is small above 4 (bench_biggan), while its
// memory grows with every sample: a requested batch runs as sub-batches of at most this many.
inline constexpr int kMaxUsefulBatch = 4;
// Memory the batch-proportional buffers of one sub-batch may take (activations, output, frames).
inline constexpr std::int64_t kBatchMemoryBudget = std::int64_t{1} << 30;

// Bytes one more sample of a batch costs the generator: its largest batched block's buffers (the
// blocks with inputs of at least 128×128 pixels run one sample at a time, generator.h), the float
// output and the RGB frame, for frames of `grid`'s shape. An estimate, for choosing sub-batches.
std::int64_t batch_bytes_per_sample(const biggan::Config& config, const biggan::Grid& grid = {});

// The largest sub-batch (1 to kMaxUsefulBatch) whose buffers fit `budget`.
int sub_batch_for(const biggan::Config& config, std::int64_t budget = kBatchMemoryBudget,
                  const biggan::Grid& grid = {});

// fp32, the reference precision (a GeneratorFactory as render() takes one).
std::unique_ptr<FrameGenerator> load_biggan_frames(const std::filesystem::path& weights,
                                                   double truncation, int threads);
// The same in `precision` (model/biggan/precision.h: bf16 runs fp32 where the CPU has no
// bfloat16 arithmetic).
std::unique_ptr<FrameGenerator> load_biggan_frames_with_precision(
    const std::filesystem::path& weights, double truncation, int threads,
    biggan::Precision precision);
// load_biggan_frames_with_precision as the factory a render or live session takes, for the
// options' precision.
GeneratorFactory biggan_frames_factory(biggan::Precision precision);

}  // namespace bgv::render
