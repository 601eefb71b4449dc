// Generator::load: finding the checkpoint file and config.json of a model, and reading them
// (module checkpoint).
#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "model/biggan/generator.h"
#include "model/biggan/weights.h"

namespace bgv::biggan {

ModelFiles find_model_files(const std::filesystem::path& path) {
    namespace fs = std::filesystem;
    ModelFiles files;
    if (fs::is_directory(path)) {
        for (const char* name : {"pytorch_model.bin", "model.safetensors", "model.pt"})
            if (fs::exists(path / name)) {
                files.checkpoint = path / name;
                break;
            }
        if (files.checkpoint.empty()) {
            for (const auto& entry : fs::directory_iterator(path)) {
                const auto ext = entry.path().extension();
                if (ext == ".bin" || ext == ".pt" || ext == ".pth" || ext == ".safetensors") {
                    if (!files.checkpoint.empty())
                        fail("{}: several checkpoint files ({} and {}); name one", path.string(),
                             files.checkpoint.filename().string(),
                             entry.path().filename().string());
                    files.checkpoint = entry.path();
                }
            }
        }
        if (files.checkpoint.empty())
            fail("{}: no checkpoint file (.bin, .pt or .safetensors) in this folder",
                 path.string());
    } else {
        if (!fs::exists(path))
            fail("{}: no such file or folder", path.string());
        files.checkpoint = path;
    }
    const auto config = files.checkpoint.parent_path() / "config.json";
    if (fs::exists(config))
        files.config = config;
    return files;
}

Generator Generator::load(const std::filesystem::path& path, double truncation, int threads,
                          Precision precision) {
    check_truncation(truncation);
    const ModelFiles files = find_model_files(path);
    return with_context(files.checkpoint.string(), [&] {
        const auto weights = checkpoint::load_state_dict(files.checkpoint);
        Config config;
        if (!files.config.empty()) {
            config = Config::from_json(files.config);
        } else {
            config = Config::infer(weights);
            log::info(
                "{}: no config.json beside it; configuration inferred from the weights "
                "({} px, channel width {})",
                files.checkpoint.string(), config.resolution(), config.channel_width);
        }
        return from_state_dict(weights, config, truncation, threads, precision);
    });
}

}  // namespace bgv::biggan
