// checkpoint/checkpoint: PLACEHOLDER on branch runtime until branch checkpoint lands; replaced by
// that branch's header at merge (same types and declaration as agreed).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace bgv::checkpoint {

struct Tensor {
    std::vector<std::int64_t> shape;
    std::vector<float> data;
};
using StateDict = std::map<std::string, Tensor>;

StateDict load_state_dict(const std::filesystem::path& path);

}  // namespace bgv::checkpoint
