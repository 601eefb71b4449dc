// bench/biggan_runs: the measurements bench_biggan makes, each in a process of its own (so that
// peak memory is that configuration's): the seconds and per-kind profile of one configuration,
// and the error of bf16 against fp32. Each prints tagged lines that the parent parses.
#pragma once

#include <string>
#include <vector>

#include "model/biggan/generator.h"

namespace bgv::bench {

// What a shell command printed on its standard output.
std::string run_capture(const std::string& command);

// The seeded full-size model of `resolution` (tests/model/biggan/seeded_model.h: the recipe the
// full-size tests use), loaded for `precision`.
biggan::Generator load_seeded_generator(int resolution, double truncation, int threads,
                                        biggan::Precision precision);

// Prints "RESULT wall cpu peak_mb precision isa" (seconds per frame: best of `repeats` after a
// warm-up) and one "PROFILE kind|gflop|wall|cpu|calls" line per kind of operation (per frame,
// from one more pass with a profile attached).
int run_timing(int resolution, int batch, int repeats, int threads, biggan::Precision precision);

// Prints "ERROR resolution truncation images psnr_min psnr_mean rel_l2_max rel_l2_mean" for
// each truncation: bf16 images against fp32 images of the same vectors (PSNR of the 8-bit
// pixels, rel. L2 of the float outputs).
// Prints "ASPECT wall cpu width height": seconds per frame at batch 1 (best of `repeats` after a
// warm-up) on the first grid grid_for_aspect(aspect, noise) gives (docs/shapes.md).
int run_aspect(int resolution, const std::string& aspect, int repeats, int threads);

int run_error(int resolution, const std::vector<double>& truncations, int images, int threads);

}  // namespace bgv::bench
