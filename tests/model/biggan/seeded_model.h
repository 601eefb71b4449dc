// The seeded random weights of tools/seeded_biggan.py drawn in C++ with the same integer recipe
// (same float32 bits, proven by weights_checksum), for the full-size generator tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint/checkpoint.h"
#include "model/biggan/config.h"

namespace bgv::test {

// name → shape in PyTorch's state-dict order, batch-norm statistics included.
std::vector<std::pair<std::string, std::vector<std::int64_t>>> biggan_parameter_shapes(
    const biggan::Config& config);

bool is_batch_norm_statistic(const std::string& name);

// Every tensor but the batch-norm statistics (see tools/seeded_biggan.py for the recipe).
checkpoint::StateDict seeded_biggan_weights(const biggan::Config& config, std::uint64_t seed);

// tools/seeded_biggan.py's weights_checksum: over every tensor but the statistics.
std::uint64_t weights_checksum(const checkpoint::StateDict& weights);

// Adds the committed calibration: statistics given as rows first_row.. (the rows outside copy
// the nearest calibrated one), other tensors replace the drawn ones.
void apply_calibration(checkpoint::StateDict& weights, const checkpoint::StateDict& calibration,
                       std::int64_t first_row, int n_stats);

// The committed full-size model of `resolution` (data/fullsize/<R>): configuration and weights,
// drawn and calibrated.
struct FullsizeModel {
    biggan::Config config;
    checkpoint::StateDict weights;
    std::string checksum;  // of the drawn weights, 16 hex digits, as golden.json records it
};
FullsizeModel fullsize_model(int resolution);
std::filesystem::path fullsize_data(int resolution);

// Writes `folder`/config.json and `folder`/model.safetensors, loadable by Generator::load.
void write_model_folder(const FullsizeModel& model, const std::filesystem::path& folder);

}  // namespace bgv::test
