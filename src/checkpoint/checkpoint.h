// checkpoint: reads model weights from any of the three file formats they are published in
// (legacy torch.save .bin, zip torch.save .pt, .safetensors) into named float32 host tensors.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "checkpoint/tensor.h"

namespace bgv::checkpoint {

enum class Format { legacy_torch, zip_torch, safetensors };

// Recognises the format by the file's first bytes, never by its extension. Throws bgv::Error for
// a file that is none of the three.
Format detect_format(const std::filesystem::path& path);
Format detect_format(std::span<const std::byte> bytes);

// Reads any of the three formats. Every element type is converted to float32: float16 and
// bfloat16 exactly, float64 rounded, integers (num_batches_tracked, position_ids) to the nearest
// float (exact below 2^24). Errors name the file and, where one is at fault, the tensor.
StateDict load_state_dict(const std::filesystem::path& path);
StateDict parse_state_dict(std::span<const std::byte> bytes);

}  // namespace bgv::checkpoint
