// checkpoint/torch_zip: torch.save's zip format (PyTorch >= 1.6): `<name>/data.pkl`, the same
// state dict pickle as the legacy format, and each storage as a raw entry `<name>/data/<key>`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <span>

#include "checkpoint/tensor.h"

namespace bgv::checkpoint {

StateDict parse_torch_zip(std::span<const std::byte> bytes);
StateDict load_torch_zip(const std::filesystem::path& path);

}  // namespace bgv::checkpoint
