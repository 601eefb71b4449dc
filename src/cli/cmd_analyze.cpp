// `bigganviz analyze`: the features the vectors will follow, saved for a user to look at before
// rendering: mel and chroma as .npy, their summaries, the rhythm analysis (tempo, beats, onsets
// and its curves), JSON summaries and a picture.
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "audio/load.h"
#include "cli/commands.h"
#include "cli/output_folder.h"
#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "features/features.h"
#include "features/frame_times.h"
#include "image/feature_plot.h"
#include "render/plan.h"

namespace bgv::cli {

namespace {

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
        names.emplace_back(features::kPitchNames.at(static_cast<std::size_t>(pitch)));
    json["chromasort_names"] = names;
    // JSON has no NaN: an undefined tuning (no pitched frames) is written as null.
    json["tuning"] = std::isfinite(features.tuning) ? nlohmann::json(features.tuning) : nullptr;
    json["mel_shape"] = {128, features.frames};
    json["chroma_shape"] = {12, features.frames};
    return json;
}

// Beats or onsets as video frame indices: the frame nearest each time, at a whole hop exactly
// librosa's frame indices.
std::vector<std::int64_t> video_frames(const std::vector<double>& seconds, const FrameRate& rate) {
    std::vector<std::int64_t> frames;
    frames.reserve(seconds.size());
    for (const double t : seconds)
        frames.push_back(std::llround(t * rate.per_second()));
    return frames;
}

// rhythm.json: beats and onsets as video frames and as seconds (librosa.frames_to_time).
nlohmann::json rhythm_summary(const features::TimedRhythm& timed, const FrameRate& rate) {
    nlohmann::json json;
    json["tempo"] = timed.rhythm.tempo;
    json["hop"] = timed.rhythm.hop;  // the analysis hop (the frame length when it is whole)
    json["frames"] = timed.rhythm.frames;
    json["fps"] = rate.per_second();
    json["frame_rate"] = rate.text();
    json["beats"] = video_frames(timed.beat_seconds, rate);
    json["beat_times"] = timed.beat_seconds;
    json["onsets"] = video_frames(timed.onset_seconds, rate);
    json["onset_times"] = timed.onset_seconds;
    return json;
}

}  // namespace

int run_analyze(const Args& args) {
    const std::filesystem::path song = args.text("song");
    const std::filesystem::path out = args.text("out");
    // The section and frame rate as a render of the same options would read them.
    const render::RenderOptions options = render::render_options_from(render_values(args));
    const FrameRate rate = render::frame_rate_for(options);
    const double start = options.start;

    // Created first so that an unusable --out fails before the work; removed again on failure.
    OutputFolder folder(out);
    const audio::Pcm pcm = audio::load_mono(
        song, features::kSampleRate, audio::Section{start, options.duration, options.max_duration});
    log::info("{}: {:.2f} s of audio at {} Hz", song.string(),
              static_cast<double>(pcm.samples.size()) / features::kSampleRate,
              features::kSampleRate);
    // Both parts in one pass over the STFT they share; mel.npy needs the mel spectrogram.
    const features::TimedAnalysis analysis = with_context(song.string(), [&] {
        return features::analyse_song_at_rate(pcm.samples, pcm.sample_rate, rate,
                                              {.features = true, .rhythm = true},
                                              {.keep_mel = true});
    });
    const features::Features& features = analysis.features;
    const features::TimedRhythm& timed = analysis.rhythm;
    const features::Rhythm& rhythm = timed.rhythm;
    BGV_ASSERT(rhythm.frames == features.frames, "rhythm has {} frames, features {}", rhythm.frames,
               features.frames);

    const std::vector<std::int64_t> beat_frames = video_frames(timed.beat_seconds, rate);
    const std::string png =
        image::feature_picture_png(features, rhythm, beat_frames, rate.per_second());
    const std::string json =
        summary(song, features, pcm.samples.size(), rate, start).dump(2) + "\n";

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
    write_file_atomic(folder.staged("rhythm.json"), rhythm_summary(timed, rate).dump(2) + "\n");
    write_file_atomic(folder.staged("features.json"), json);
    write_file_atomic(folder.staged("features.png"), png);
    folder.commit();

    log::info(
        "{} frames at {:.2f} fps, tempo {:.1f} BPM, {} beats, {} onsets; wrote mel.npy, "
        "chroma.npy, spec_mean.npy, grad_mean.npy, features.json, the rhythm curves (.npy), "
        "rhythm.json and features.png to {}",
        frames, rate.per_second(), rhythm.tempo, rhythm.beats.size(), rhythm.onsets.size(),
        out.string());
    return 0;
}

}  // namespace bgv::cli
