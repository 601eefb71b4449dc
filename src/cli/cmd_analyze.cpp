// `bigganviz analyze`: the features the vectors will follow, saved for a user to look at before
// rendering: mel and chroma as .npy, their summaries, a JSON summary and a picture.
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "audio/load.h"
#include "cli/commands.h"
#include "cli/feature_plot.h"
#include "cli/output_folder.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "features/features.h"

namespace bgv::cli {

namespace {

nlohmann::json summary(const std::filesystem::path& song, const features::Features& features,
                       std::size_t samples) {
    nlohmann::json json;
    json["song"] = song.string();
    json["sample_rate"] = features.sample_rate;
    json["hop"] = features.hop;
    json["frames"] = features.frames;
    json["fps"] = static_cast<double>(features.sample_rate) / features.hop;
    json["samples"] = samples;
    json["duration"] = static_cast<double>(samples) / features.sample_rate;
    json["chromasort"] = features.chromasort;
    std::vector<std::string> names;
    for (const int pitch : features.chromasort)
        names.emplace_back(features::kPitchNames.at(static_cast<std::size_t>(pitch)));
    json["chromasort_names"] = names;
    // JSON has no NaN: an undefined tuning (no pitched frames) is written as null.
    json["tuning"] = std::isfinite(features.tuning) ? nlohmann::json(features.tuning) : nullptr;
    json["mel_shape"] = {128, features.frames};
    json["chroma_shape"] = {12, features.frames};
    return json;
}

}  // namespace

int run_analyze(const Args& args) {
    const std::filesystem::path song = args.text("song");
    const std::filesystem::path out = args.text("out");
    const int hop = static_cast<int>(args.integer("frame_length"));
    std::optional<double> duration;
    if (args.has("duration"))
        duration = args.number("duration");

    // Created first so that an unusable --out fails before the work; removed again on failure.
    OutputFolder folder(out);
    const audio::Pcm pcm = audio::load_mono(song, features::kSampleRate, duration);
    log::info("{}: {:.2f} s of audio at {} Hz", song.string(),
              static_cast<double>(pcm.samples.size()) / features::kSampleRate,
              features::kSampleRate);
    const features::Features features = with_context(song.string(), [&] {
        return features::compute_features(pcm.samples, pcm.sample_rate, hop);
    });

    FeaturePlotData plot{.frames = features.frames,
                         .frames_per_second = static_cast<double>(features.sample_rate) / hop,
                         .chroma = features.chroma,
                         .spec_mean = features.spec_mean,
                         .grad_mean = features.grad_mean,
                         .chromasort = features.chromasort,
                         .tuning = features.tuning};
    const std::string png = encode_png(draw_feature_plot(plot));
    const std::string json = summary(song, features, pcm.samples.size()).dump(2) + "\n";

    const std::int64_t frames = features.frames;
    write_npy(folder.staged("mel.npy"), std::span<const float>(features.mel), {128, frames});
    write_npy(folder.staged("chroma.npy"), std::span<const float>(features.chroma), {12, frames});
    write_npy(folder.staged("spec_mean.npy"), std::span<const float>(features.spec_mean), {frames});
    write_npy(folder.staged("grad_mean.npy"), std::span<const float>(features.grad_mean), {frames});
    write_file_atomic(folder.staged("features.json"), json);
    write_file_atomic(folder.staged("features.png"), png);
    folder.commit();

    log::info(
        "{} frames at {:.2f} fps; wrote mel.npy, chroma.npy, spec_mean.npy, grad_mean.npy, "
        "features.json and features.png to {}",
        frames, static_cast<double>(features.sample_rate) / hop, out.string());
    return 0;
}

}  // namespace bgv::cli
