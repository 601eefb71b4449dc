#include "render/plan.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "audio/load.h"
#include "choreo/classes.h"
#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/npy.h"
#include "core/random.h"
#include "features/chroma.h"
#include "features/frame_times.h"
#include "render/identity.h"
#include "render/saved_vectors.h"
#include "runtime/engine.h"
#include "store/model_table.h"
#include "store/sha256.h"
#include "store/store.h"
#include "text/lyrics_classes.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
using features::kSampleRate;
constexpr int kPlanFormat = 2;
constexpr const char* kTextModel = "all-MiniLM-L6-v2";
constexpr const char* kPlanFile = "plan.json";
constexpr const char* kPlanNoiseFile = "plan_noise.npy";
constexpr const char* kPlanClassesFile = "plan_classes.npy";

// The features the chosen choreography follows, at the video's frame times: the seed's (mel power
// and chroma), or the rhythm for the beat choreography.
struct Song {
    std::string sha256;
    std::int64_t samples = 0;
    std::int64_t frames = 0;
    features::Features features;
    features::TimedRhythm rhythm;
    std::array<int, 12> chromasort{};  // of the chroma the classes follow
};

// audio/ names the song in its own errors; the rest gets the song's name as context.
Song analyse_song(const RenderOptions& o, FrameRate rate) {
    Song song;
    const audio::Pcm pcm =
        audio::load_mono(o.song, kSampleRate, audio::Section{o.start, o.duration, o.max_duration});
    return with_context(o.song.string(), [&] {
        song.sha256 = store::sha256_file(o.song);
        song.samples = static_cast<std::int64_t>(pcm.samples.size());
        if (song.samples == 0)
            fail("holds no audio samples");
        song.frames = frames_covering(song.samples, kSampleRate, rate);
        // The choreographies read the mel spectrogram's summaries, never the spectrogram.
        const bool beat = o.choreography == "beat";
        auto analysis = features::analyse_song_at_rate(pcm.samples, kSampleRate, rate,
                                                       {.features = !beat, .rhythm = beat},
                                                       {.keep_mel = false});
        if (beat) {
            song.rhythm = std::move(analysis.rhythm);
            const auto& r = song.rhythm.rhythm;
            song.chromasort = features::chroma_order({r.frames, r.chroma_h, 0.0});
        } else {
            song.features = std::move(analysis.features);
            song.chromasort = song.features.chromasort;
        }
        return song;
    });
}

choreo::Vectors choreograph(const RenderOptions& o, const Song& song, FrameRate rate,
                            std::span<const int> classes, std::uint64_t seed,
                            std::span<const choreo::ClassCue> cues) {
    if (o.choreography == "beat") {
        const auto& r = song.rhythm.rhythm;
        choreo::BeatParams params = o.beat;
        params.truncation = o.choreo.truncation;
        const choreo::RhythmView view{
            r.frames,   rate.per_second(),        r.onset_env_percussive,    r.rms_h,
            r.chroma_h, song.rhythm.beat_seconds, song.rhythm.onset_seconds, song.chromasort};
        return choreo::make_beat_vectors(view, classes, params, seed, cues);
    }
    choreo::Params params = o.choreo;
    // With --fps the frame-based constants follow the rate; without, they are the original's.
    params.frames_per_second = o.fps ? rate.per_second() : 0.0;
    const auto& f = song.features;
    return choreo::make_vectors({f.frames, f.chroma, f.spec_mean, f.grad_mean, f.chromasort},
                                classes, params, seed, cues);
}

// The beat choreography's parameters for the identity and run.json (the seed's are entries of
// their own there, as before).
json beat_parameters(const RenderOptions& o) {
    if (o.choreography != "beat")
        return json::object();
    return {{"pulse", o.beat.pulse},
            {"pulse_decay", o.beat.pulse_decay},
            {"motion", o.beat.motion},
            {"class_smooth", o.beat.class_smooth},
            {"shuffle_bars", o.beat.shuffle_bars}};
}

struct LyricsChoice {
    std::vector<int> classes;
    std::vector<choreo::ClassCue> cues;  // timed lyrics only
};

LyricsChoice classes_from_lyrics(const RenderOptions& o, std::uint64_t seed, FrameRate rate) {
    text::LyricsClassRequest request{.lyrics_file = *o.lyrics,
                                     .count = static_cast<std::size_t>(o.num_classes),
                                     .strategy = text::parse_strategy(o.encoding_strategy),
                                     .seed = seed};
    request.model_dir = store::weights_or_model(
        o.text_weights ? std::optional(o.text_weights->string()) : std::nullopt, kTextModel);
    request.class_cache_file = store::cache_file_for(request.model_dir / "model.safetensors",
                                                     "class-names-minilm", ".npy");
    runtime::Engine engine(o.threads);
    const auto chosen = text::classes_from_lyrics(engine, request);
    LyricsChoice choice;
    for (const auto& match : chosen.classes)
        choice.classes.push_back(match.id);
    for (const auto& cue : chosen.cues)
        choice.cues.push_back({frame_at_seconds(cue.start_seconds, rate),
                               frame_at_seconds(cue.end_seconds, rate), cue.class_id});
    if (!choice.cues.empty())
        log::info("timed lyrics: {} lines lead the class vectors while they are sung",
                  choice.cues.size());
    return choice;
}

std::vector<int> choose_classes(const RenderOptions& o, std::uint64_t seed, FrameRate rate,
                                const std::array<int, 12>& chromasort,
                                std::vector<choreo::ClassCue>& cues) {
    std::vector<int> classes;
    if (!o.classes.empty()) {
        classes = o.classes;
    } else if (o.lyrics) {
        auto choice = classes_from_lyrics(o, seed, rate);
        classes = std::move(choice.classes);
        cues = std::move(choice.cues);
    } else if (o.use_last_classes) {
        classes = load_saved_classes(o.vectors_dir);
    } else {
        classes = choreo::random_classes(o.num_classes, seed);
    }
    choreo::check_classes(classes);
    if (o.sort_by_power)
        classes = choreo::sort_by_power(classes, chromasort);
    return classes;
}

std::uint64_t choose_seed(const RenderOptions& o, const std::optional<json>& previous) {
    if (o.seed)
        return *o.seed;
    if (o.use_last_vectors)
        return 0;  // nothing is drawn: the saved vectors are the whole choreography
    if (previous && previous->contains("seed")) {
        const auto seed = previous->at("seed").get<std::uint64_t>();
        log::info("seed {} (taken from the unfinished render of this output)", seed);
        return seed;
    }
    const std::uint64_t seed = draw_seed();
    log::info("seed {} (pass --seed {} to render the same video again)", seed, seed);
    return seed;
}

json make_identity(const RenderOptions& o, const Song& song, const RenderPlan& plan) {
    const auto& e = plan.encoder;
    json identity = options_identity(o, plan.weights);
    identity.update(json{
        {"format", kPlanFormat},
        {"song_sha256", song.sha256},
        {"samples", song.samples},
        {"frames", plan.frames},
        {"frame_rate", fmt::format("{}/{}", plan.frame_rate.num, plan.frame_rate.den)},
        {"seed", plan.seed},
        {"classes", plan.classes},
        {"vectors_sha256", vectors_digest(plan.vectors)},
        {"preset", e.preset},
        {"encoder_threads", e.threads},
    });
    return identity;
}
}  // namespace

json options_identity(const RenderOptions& o, const fs::path& weights) {
    return json{
        {"frame_length", o.choreo.frame_length},
        {"start", o.start},
        {"choreography", o.choreography},
        {"beat", beat_parameters(o)},
        {"weights", fs::absolute(weights).lexically_normal().string()},
        {"weights_files", weights_identity(weights)},
        {"truncation", o.choreo.truncation},
        {"sort_by_power", o.sort_by_power},
        {"pitch_sensitivity", o.choreo.pitch_sensitivity},
        {"tempo_sensitivity", o.choreo.tempo_sensitivity},
        {"jitter", o.choreo.jitter},
        {"smooth_factor", o.choreo.smooth_factor},
        {"use_last_vectors", o.use_last_vectors},
        {"batch_size", o.batch_size},
        {"segment_frames", o.segment_frames},
        {"crf", o.crf},
    };
}

FrameRate frame_rate_for(const RenderOptions& options) {
    return options.fps.value_or(FrameRate{kSampleRate, options.choreo.frame_length});
}

std::int64_t frames_covering(std::int64_t samples, int sample_rate, FrameRate rate) {
    // frames = ceil(samples / sample_rate * num / den), in integers (exact for any fraction).
    BGV_ASSERT(samples >= 0 && rate.num > 0 && rate.den > 0 && sample_rate > 0 &&
                   samples < std::numeric_limits<std::int64_t>::max() / rate.num / 2,
               "{} samples at {}/{} frames per second", samples, rate.num, rate.den);
    const std::int64_t numerator = samples * rate.num;
    const std::int64_t denominator = static_cast<std::int64_t>(sample_rate) * rate.den;
    return (numerator + denominator - 1) / denominator;
}

double seconds_at_frame(std::int64_t frame, FrameRate rate) {
    return static_cast<double>(frame) * rate.den / rate.num;
}

std::int64_t frame_at_seconds(double seconds, FrameRate rate) {
    if (!std::isfinite(seconds))
        return std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(std::llround(seconds * rate.per_second()));
}

std::int64_t RenderPlan::piece_frames(std::int64_t piece) const {
    return std::min<std::int64_t>(segment_frames, frames - piece_first_frame(piece));
}

RenderPlan make_plan(const RenderOptions& o, const fs::path& weights,
                     const std::optional<json>& previous_identity) {
    RenderPlan plan;
    plan.frame_rate = frame_rate_for(o);
    const Song song = analyse_song(o, plan.frame_rate);
    plan.seed = choose_seed(o, previous_identity);
    if (o.use_last_vectors) {
        plan.vectors = load_saved_vectors(o.vectors_dir);
        plan.classes = load_saved_classes(o.vectors_dir);
        if (plan.vectors.count < song.frames) {
            log::warn("the saved vectors cover {} of {} frames; the video stops there",
                      plan.vectors.count, song.frames);
        }
    } else {
        std::vector<choreo::ClassCue> cues;
        plan.classes = choose_classes(o, plan.seed, plan.frame_rate, song.chromasort, cues);
        plan.vectors = choreograph(o, song, plan.frame_rate, plan.classes, plan.seed, cues);
    }
    plan.vectors.truncate(song.frames);
    log::info("classes {}", fmt::join(plan.classes, " "));

    plan.weights = weights;
    plan.truncation = o.choreo.truncation;
    plan.threads = o.threads;
    plan.frames = plan.vectors.count;
    plan.batch_size = o.batch_size;
    plan.segment_frames = o.segment_frames;
    plan.encoder.frame_rate_num = plan.frame_rate.num;
    plan.encoder.frame_rate_den = plan.frame_rate.den;
    plan.encoder.crf = o.crf;
    plan.identity = make_identity(o, song, plan);
    plan.identity_digest = identity_digest(plan.identity);
    plan.record = {
        {"identity", plan.identity},
        {"song", fs::absolute(o.song).string()},
        {"duration", o.duration ? json(*o.duration) : json(nullptr)},
        {"start", o.start},
        {"model", o.weights ? "--weights" : store::biggan_model_for_resolution(o.resolution)},
        {"seed", plan.seed},
        {"classes", plan.classes},
        {"num_classes", plan.classes.size()},
        {"lyrics", o.lyrics ? json(fs::absolute(*o.lyrics).string()) : json(nullptr)}};
    return plan;
}

void save_plan(const RenderPlan& plan, const fs::path& dir) {
    write_npy(dir / kPlanNoiseFile, std::span<const double>(plan.vectors.noise),
              {plan.frames, choreo::kNoiseSize});
    write_npy(dir / kPlanClassesFile, std::span<const double>(plan.vectors.classes),
              {plan.frames, choreo::kImageNetClasses});
    const json file = {
        {"format", kPlanFormat},
        {"identity", plan.identity},
        {"record", plan.record},
        {"weights", fs::absolute(plan.weights).string()},
        {"threads", plan.threads},
        {"encoder",
         {{"crf", plan.encoder.crf},
          {"preset", plan.encoder.preset},
          {"threads", plan.encoder.threads}}},
    };
    write_file_atomic(dir / kPlanFile, file.dump(1) + "\n");
}

std::optional<json> read_plan_identity(const fs::path& dir) {
    try {
        const json file = json::parse(read_file_text(dir / kPlanFile));
        if (file.at("format") != kPlanFormat)
            return std::nullopt;
        return file.at("identity");
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<RenderPlan> load_plan(const fs::path& dir) {
    try {
        const json file = json::parse(read_file_text(dir / kPlanFile));
        if (file.at("format") != kPlanFormat)
            return std::nullopt;
        RenderPlan plan;
        plan.identity = file.at("identity");
        plan.identity_digest = identity_digest(plan.identity);
        plan.record = file.at("record");
        const json& id = plan.identity;
        plan.seed = id.at("seed").get<std::uint64_t>();
        plan.classes = id.at("classes").get<std::vector<int>>();
        plan.weights = file.at("weights").get<std::string>();
        plan.truncation = id.at("truncation").get<double>();
        plan.threads = file.at("threads").get<int>();
        const auto rate = id.at("frame_rate").get<std::string>();
        const auto slash = rate.find('/');
        plan.frame_rate = {std::stoll(rate.substr(0, slash)), std::stoll(rate.substr(slash + 1))};
        plan.frames = id.at("frames").get<std::int64_t>();
        plan.batch_size = id.at("batch_size").get<int>();
        plan.segment_frames = id.at("segment_frames").get<int>();
        plan.encoder.frame_rate_num = plan.frame_rate.num;
        plan.encoder.frame_rate_den = plan.frame_rate.den;
        plan.encoder.crf = file.at("encoder").at("crf").get<int>();
        plan.encoder.preset = file.at("encoder").at("preset").get<std::string>();
        plan.encoder.threads = file.at("encoder").at("threads").get<int>();
        auto noise = read_npy_f64(dir / kPlanNoiseFile);
        auto classes = read_npy_f64(dir / kPlanClassesFile);
        plan.vectors.count = plan.frames;
        plan.vectors.noise = std::move(noise.data);
        plan.vectors.classes = std::move(classes.data);
        if (vectors_digest(plan.vectors) != id.at("vectors_sha256").get<std::string>())
            return std::nullopt;
        return plan;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace bgv::render
