// `bigganviz analyze`: the features the vectors will follow, saved for a user to look at before
// rendering: mel and chroma as .npy, their summaries, the rhythm analysis (tempo, beats, onsets
// and its curves), JSON summaries and a picture.
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "audio/load.h"
#include "cli/commands.h"
#include "cli/feature_plot.h"
#include "cli/output_folder.h"
#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "features/features.h"
#include "features/rhythm.h"

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

// Frame indices and the times librosa.frames_to_time gives them (frame · hop / sr).
nlohmann::json frames_and_times(const std::vector<std::int64_t>& frames, int hop, int rate) {
    std::vector<double> times;
    times.reserve(frames.size());
    for (const std::int64_t frame : frames)
        times.push_back(static_cast<double>(frame * hop) / rate);
    return {{"frames", frames}, {"times", times}};
}

nlohmann::json rhythm_summary(const features::Rhythm& rhythm, int rate) {
    nlohmann::json json;
    json["tempo"] = rhythm.tempo;
    json["hop"] = rhythm.hop;
    json["frames"] = rhythm.frames;
    json["fps"] = static_cast<double>(rate) / rhythm.hop;
    const auto beats = frames_and_times(rhythm.beats, rhythm.hop, rate);
    const auto onsets = frames_and_times(rhythm.onsets, rhythm.hop, rate);
    json["beats"] = beats["frames"];
    json["beat_times"] = beats["times"];
    json["onsets"] = onsets["frames"];
    json["onset_times"] = onsets["times"];
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
    const features::Rhythm rhythm =
        with_context(song.string(), [&] { return features::compute_rhythm(pcm.samples, hop); });
    BGV_ASSERT(rhythm.frames == features.frames, "rhythm has {} frames, features {}", rhythm.frames,
               features.frames);

    FeaturePlotData plot{.frames = features.frames,
                         .frames_per_second = static_cast<double>(features.sample_rate) / hop,
                         .chroma = features.chroma,
                         .spec_mean = features.spec_mean,
                         .grad_mean = features.grad_mean,
                         .chromasort = features.chromasort,
                         .tuning = features.tuning,
                         .beats = rhythm.beats,
                         .percussive = rhythm.onset_env_percussive,
                         .harmonic = rhythm.rms_h};
    const std::string png = encode_png(draw_feature_plot(plot));
    const std::string json = summary(song, features, pcm.samples.size()).dump(2) + "\n";

    const std::int64_t frames = features.frames;
    write_npy(folder.staged("mel.npy"), std::span<const float>(features.mel), {128, frames});
    write_npy(folder.staged("chroma.npy"), std::span<const float>(features.chroma), {12, frames});
    write_npy(folder.staged("spec_mean.npy"), std::span<const float>(features.spec_mean), {frames});
    write_npy(folder.staged("grad_mean.npy"), std::span<const float>(features.grad_mean), {frames});
    for (const auto& [name, curve] :
         {std::pair{"onset_env.npy", &rhythm.onset_env},
          std::pair{"onset_env_percussive.npy", &rhythm.onset_env_percussive},
          std::pair{"plp.npy", &rhythm.plp}, std::pair{"rms.npy", &rhythm.rms},
          std::pair{"rms_h.npy", &rhythm.rms_h}, std::pair{"rms_p.npy", &rhythm.rms_p}})
        write_npy(folder.staged(name), std::span<const float>(*curve), {frames});
    write_npy(folder.staged("chroma_h.npy"), std::span<const float>(rhythm.chroma_h), {12, frames});
    write_file_atomic(folder.staged("rhythm.json"),
                      rhythm_summary(rhythm, features::kSampleRate).dump(2) + "\n");
    write_file_atomic(folder.staged("features.json"), json);
    write_file_atomic(folder.staged("features.png"), png);
    folder.commit();

    log::info(
        "{} frames at {:.2f} fps, tempo {:.1f} BPM, {} beats, {} onsets; wrote mel.npy, "
        "chroma.npy, spec_mean.npy, grad_mean.npy, features.json, the rhythm curves (.npy), "
        "rhythm.json and features.png to {}",
        frames, static_cast<double>(features.sample_rate) / hop, rhythm.tempo, rhythm.beats.size(),
        rhythm.onsets.size(), out.string());
    return 0;
}

}  // namespace bgv::cli
