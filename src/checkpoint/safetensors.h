// checkpoint/safetensors: the safetensors format (an 8-byte little-endian header length, a JSON
// header of name → {dtype, shape, data_offsets}, then the data), as Hugging Face publishes models.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "checkpoint/tensor.h"

namespace bgv::checkpoint {

// True when `bytes` begin like a safetensors file: a plausible header length, then '{'.
bool is_safetensors(std::span<const std::byte> bytes);

// Reads a whole file held in memory (the entry point of the fuzzer too).
StateDict parse_safetensors(std::span<const std::byte> bytes);
StateDict load_safetensors(const std::filesystem::path& path);

}  // namespace bgv::checkpoint
