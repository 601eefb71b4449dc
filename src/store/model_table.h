// store/model_table: the models bigganviz knows by name, their files and the addresses each file
// is published at (tried in order). Expected sizes and hashes are filled only where truly known.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bgv::store {

struct ModelFile {
    std::string name;               // base name in the model folder: "pytorch_model.bin"
    std::vector<std::string> urls;  // tried in order
    std::string sha256;             // lowercase hex; empty: unknown, the download's is recorded
    std::int64_t size = -1;         // bytes; -1: unknown, the server's announced size is used
    // Bytes the file can sensibly have (a few times its rough size): a server announcing more is
    // refused before a byte is written. -1: no bound.
    std::int64_t max_size = -1;
};

struct ModelSpec {
    std::string name;  // "biggan-deep-512": also the folder name in the cache
    std::vector<ModelFile> files;
    std::string description;
    std::string weights_option = "--weights";  // the flag that gives these files from elsewhere
};

const std::vector<ModelSpec>& known_models();

// 128 -> "biggan-deep-128"; a resolution without a model is a UsageError.
std::string biggan_model_for_resolution(int resolution);

}  // namespace bgv::store
