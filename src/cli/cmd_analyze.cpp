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
#include "features/frame_times.h"

namespace bgv::cli {

namespace {

constexpr int kSampleRate = 22050;  // the original tool's librosa.load default
constexpr std::array<const char*, 12> kPitchNames = {"C",  "C#", "D",  "D#", "E",  "F",
                                                     "F#", "G",  "G#", "A",  "A#", "B"};

nlohmann::json summary(const std::filesystem::path& song, const features::Features& features,
                       std::size_t samples, const FrameRate& rate, double start) {
    nlohmann::json json;
    json["song"] = song.string();
    json["sample_rate"] = features.sample_rate;
    json["hop"] = features.hop;
    json["frames"] = features.frames;
    json["fps"] = rate.per_second();
    json["frame_rate"] = rate.text();
    json["start"] = start;
    json["samples"] = samples;
    json["duration"] = static_cast<double>(samples) / features.sample_rate;
    json["chromasort"] = features.chromasort;
    std::vector<std::string> names;
    for (const int pitch : features.chromasort)
        names.emplace_back(kPitchNames.at(static_cast<std::size_t>(pitch)));
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
    const auto fps = frame_rate_option(args);
    const FrameRate rate = fps.value_or(
        frame_rate_of_hop(kSampleRate, static_cast<int>(args.integer("frame_length"))));
    std::optional<double> duration;
    if (args.has("duration"))
        duration = args.number("duration");
    const double start = args.number("start");

    // Created first so that an unusable --out fails before the work; removed again on failure.
    OutputFolder folder(out);
    const audio::Pcm pcm = audio::load_mono(song, kSampleRate, duration, start);
    log::info("{}: {:.2f} s of audio at {} Hz", song.string(),
              static_cast<double>(pcm.samples.size()) / kSampleRate, kSampleRate);
    const features::Features features = with_context(song.string(), [&] {
        return features::compute_features_at_rate(pcm.samples, pcm.sample_rate, rate);
    });

    FeaturePlotData plot{.frames = features.frames,
                         .frames_per_second = rate.per_second(),
                         .chroma = features.chroma,
                         .spec_mean = features.spec_mean,
                         .grad_mean = features.grad_mean,
                         .chromasort = features.chromasort,
                         .tuning = features.tuning};
    const std::string png = encode_png(draw_feature_plot(plot));
    const std::string json =
        summary(song, features, pcm.samples.size(), rate, start).dump(2) + "\n";

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
        frames, rate.per_second(), out.string());
    return 0;
}

}  // namespace bgv::cli
