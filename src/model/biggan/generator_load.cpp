// Generator::load: reading the checkpoint file (module checkpoint) and config.json.
#include "core/error.h"
#include "core/log.h"
#include "model/biggan/generator.h"
#include "model/biggan/weights.h"

namespace bgv::biggan {

Generator Generator::load(const std::filesystem::path& path, double truncation, int threads) {
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
        return from_state_dict(weights, config, truncation, threads);
    });
}

}  // namespace bgv::biggan
