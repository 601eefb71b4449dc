// store/content_check: a downloaded file must look like what its name claims before the store
// calls it complete: a mirror's 23-byte HTML error page saved as pytorch_model.bin is refused.
#pragma once

#include <filesystem>
#include <string>

namespace bgv::store {

// "" when the file at `path` looks like a `name` (the model file's base name): a checkpoint
// (.bin, .pt, .pth) starts as a zip or a pickle, a .safetensors file with its JSON header, a
// .json file parses as JSON, a .txt file is text. Otherwise the reason, e.g. "an HTML page, not
// a checkpoint (a mirror's error page?)". Files of other kinds are not checked.
std::string content_problem(const std::string& name, const std::filesystem::path& path);

}  // namespace bgv::store
