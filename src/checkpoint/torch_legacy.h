// checkpoint/torch_legacy: torch.save's pre-zip format, in which the published BigGAN-deep .bin
// files were written: five pickles (magic, protocol 1001, system info, the state dict, storage
// keys) followed by each storage as an int64 element count and raw little-endian data.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "checkpoint/tensor.h"

namespace bgv::checkpoint {

// True when `bytes` begin with the pickled magic number of this format.
bool is_torch_legacy(std::span<const std::byte> bytes);

StateDict parse_torch_legacy(std::span<const std::byte> bytes);
StateDict load_torch_legacy(const std::filesystem::path& path);

}  // namespace bgv::checkpoint
