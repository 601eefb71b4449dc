#include "render/plan.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "audio/load.h"
#include "choreo/beat.h"
#include "choreo/beat_stepper.h"
#include "choreo/checks.h"
#include "choreo/classes.h"
#include "choreo/seed_stepper.h"
#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/random.h"
#include "features/chroma.h"
#include "features/frame_times.h"
#include "render/class_choice.h"
#include "render/identity.h"
#include "render/saved_vectors.h"
#include "render/subtitle_cues.h"
#include "render/video_settings.h"
#include "store/model_table.h"
#include "store/sha256.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
using features::kSampleRate;
constexpr int kPlanFormat = 4;  // 4: the grid, codec, delivery and subtitles
constexpr const char* kPlanFile = "plan.json";
constexpr const char* kPlanNoiseFile = "plan_noise.npy";
constexpr const char* kPlanClassesFile = "plan_classes.npy";
constexpr std::int64_t kDigestRows = 4096;  // rows hashed at a time

// The features the chosen choreography follows, at the video's frame times: the seed's (mel power
// and chroma), or the rhythm for the beat choreography.
struct Song {
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
        song.samples = static_cast<std::int64_t>(pcm.samples.size());
        if (song.samples == 0)
            fail("holds no audio samples");
        song.frames = frame_count(song.samples, kSampleRate, rate, FrameCounting::video);
        // The choreographies read the mel spectrogram's summaries, never the spectrogram.
        const bool beat = o.choreography == Choreography::beat;
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

// Writes the first `frames` vectors a stepper gives into the plan's two files (the seed's
// choreography gives one more than there are frames, as the original's).
class PlanWriter : public choreo::VectorSink {
  public:
    PlanWriter(const fs::path& noise, const fs::path& classes, std::int64_t frames)
        : noise_(noise, frames, choreo::kNoiseSize),
          classes_(classes, frames, choreo::kImageNetClasses),
          frames_(frames) {}

    void put(std::span<const double> noise, std::span<const double> classes) override {
        if (noise_.rows_written() == frames_)
            return;
        noise_.write_row(noise);
        classes_.write_row(classes);
    }
    std::int64_t written() const { return noise_.rows_written(); }
    void commit() {
        noise_.commit();
        classes_.commit();
    }

  private:
    NpyRowWriter noise_, classes_;
    std::int64_t frames_;
};

// Runs the chosen choreography's stepper over the song into `out`.
void choreograph(const RenderOptions& o, const Song& song, FrameRate rate,
                 std::span<const int> classes, std::uint64_t seed,
                 std::span<const choreo::ClassCue> cues, choreo::VectorSink& out) {
    if (o.choreography == Choreography::beat) {
        const auto& r = song.rhythm.rhythm;
        const choreo::RhythmView view{
            r.frames,   rate.per_second(),        r.onset_env_percussive,    r.rms_h,
            r.chroma_h, song.rhythm.beat_seconds, song.rhythm.onset_seconds, song.chromasort};
        choreo::BeatStepper stepper(classes, o.beat_params(), seed, song.chromasort,
                                    rate.per_second(), cues);
        choreo::for_each_beat_frame(view, choreo::song_kicks(view),
                                    [&](std::int64_t, const choreo::FrameFeatures& features) {
                                        stepper.step(features, out);
                                    });
        stepper.finish(out);
        return;
    }
    choreo::Params params = o.choreo;
    // With --fps the frame-based constants follow the rate; without, they are the original's.
    params.frames_per_second = o.fps ? rate.per_second() : 0.0;
    const auto& f = song.features;
    const choreo::FeatureView view{f.frames, f.chroma, f.spec_mean, f.grad_mean, f.chromasort};
    // The seed's normalisation of the power over the whole song (spec_mean, grad_mean) and its
    // first sounding chroma are the two things computed up front (docs/choreography.md).
    choreo::SeedStepper stepper(classes, params, seed, f.chromasort,
                                choreo::first_sounding_chroma(view), cues);
    choreo::FrameFeatures frame;
    for (std::int64_t i = 0; i < f.frames; ++i) {
        for (int p = 0; p < choreo::kPitchClasses; ++p)
            frame.chroma[p] = f.chroma[p * f.frames + i];
        frame.power = f.spec_mean[i];
        frame.power_rise = f.grad_mean[i];
        stepper.step(frame, out);
    }
    stepper.finish(out);
}

// --use_last_vectors: the first `frames` saved vectors, checked row by row, into `out`.
void copy_saved_vectors(const SavedVectorFiles& saved, std::int64_t frames,
                        choreo::VectorSink& out) {
    std::vector<double> noise(choreo::kNoiseSize), classes(choreo::kImageNetClasses);
    const std::string source = saved.dir.string();
    for (std::int64_t f = 0; f < frames; ++f) {
        saved.noise->read_rows(f, 1, noise);
        saved.classes->read_rows(f, 1, classes);
        check_saved_row(noise, classes, f, source);
        out.put(noise, classes);
    }
}

std::uint64_t choose_seed(const RenderOptions& o, const std::optional<json>& previous) {
    if (o.seed)
        return *o.seed;
    if (o.use_last_vectors)
        return 0;  // nothing is drawn: the saved vectors are the whole choreography
    if (previous && previous->contains("seed") && previous->at("seed").is_number_unsigned()) {
        const auto seed = previous->at("seed").get<std::uint64_t>();
        log::info("seed {} (taken from the unfinished render of this output)", seed);
        return seed;
    }
    const std::uint64_t seed = draw_seed();
    log::info("seed {} (pass --seed {} to render the same video again)", seed, seed);
    return seed;
}

std::string file_digest_or_null(const std::optional<fs::path>& path) {
    return path && fs::is_regular_file(*path) ? store::sha256_file(*path) : std::string();
}

// The grid and the encoder's settings the identity asks for (render/video_settings), at the plan's
// frame rate.
void settle_video(RenderPlan& plan) {
    auto video = video_settings_from(plan.identity, plan.subtitles);
    plan.grid = video.grid;
    plan.encoder = std::move(video.encoder);
    plan.encoder.frame_rate_num = plan.frame_rate.num;
    plan.encoder.frame_rate_den = plan.frame_rate.den;
}

// The settings and the vectors' digest from plan.json and the identity into `plan`.
void read_settings(RenderPlan& plan, const json& file) {
    const json& id = plan.identity;
    plan.seed = id.at("seed").get<std::uint64_t>();
    plan.classes = id.at("chosen_classes").get<std::vector<int>>();
    plan.weights = file.at("weights").get<std::string>();
    plan.truncation = id.at("truncation").get<double>();
    plan.threads = file.at("threads").get<int>();
    const auto rate = id.at("frame_rate").get<std::string>();
    const auto slash = rate.find('/');
    plan.frame_rate = {std::stoll(rate.substr(0, slash)), std::stoll(rate.substr(slash + 1))};
    plan.frames = id.at("frames").get<std::int64_t>();
    plan.batch_size = id.at("batch_size").get<int>();
    plan.segment_frames = id.at("segment_frames").get<int>();
    plan.song = file.at("song").get<std::string>();
    plan.start = id.at("start").get<double>();
    if (!id.at("duration").is_null())
        plan.duration = id.at("duration").get<double>();
    plan.subtitles = cues_from_json(file.at("subtitles"));
    settle_video(plan);
}
}  // namespace

FrameRate frame_rate_for(const RenderOptions& options) {
    return options.fps.value_or(FrameRate{kSampleRate, options.choreo.frame_length});
}

double seconds_at_frame(std::int64_t frame, FrameRate rate) {
    return static_cast<double>(frame) * rate.den / rate.num;
}

std::int64_t frame_at_seconds(double seconds, FrameRate rate) {
    if (!std::isfinite(seconds))
        return std::numeric_limits<std::int64_t>::max();
    return static_cast<std::int64_t>(std::llround(seconds * rate.per_second()));
}

PlanVectors::PlanVectors(const fs::path& dir)
    : noise_(dir / kPlanNoiseFile), classes_(dir / kPlanClassesFile) {
    if (noise_.columns() != choreo::kNoiseSize || classes_.columns() != choreo::kImageNetClasses ||
        noise_.rows() != classes_.rows())
        fail("{}: the plan's vectors have shapes ({}, {}) and ({}, {})", dir.string(),
             noise_.rows(), noise_.columns(), classes_.rows(), classes_.columns());
}

void PlanVectors::read(std::int64_t first, std::int64_t count, std::vector<float>& z,
                       std::vector<float>& y) const {
    std::vector<double> rows(static_cast<std::size_t>(count) * choreo::kImageNetClasses);
    rows.resize(static_cast<std::size_t>(count) * choreo::kNoiseSize);
    noise_.read_rows(first, count, rows);
    z.assign(rows.begin(), rows.end());
    rows.resize(static_cast<std::size_t>(count) * choreo::kImageNetClasses);
    classes_.read_rows(first, count, rows);
    y.assign(rows.begin(), rows.end());
}

std::string PlanVectors::digest() const {
    store::Sha256 hash;
    std::vector<double> rows;
    for (const NpyRowReader* file : {&noise_, &classes_}) {
        for (std::int64_t first = 0; first < file->rows(); first += kDigestRows) {
            const std::int64_t count = std::min(kDigestRows, file->rows() - first);
            rows.resize(static_cast<std::size_t>(count * file->columns()));
            file->read_rows(first, count, rows);
            hash.update(std::as_bytes(std::span<const double>(rows)));
        }
    }
    return hash.hex_digest();
}

std::int64_t RenderPlan::piece_frames(std::int64_t piece) const {
    return std::min<std::int64_t>(segment_frames, frames - piece_first_frame(piece));
}

fs::path RenderPlan::noise_file() const {
    return dir / kPlanNoiseFile;
}

fs::path RenderPlan::classes_file() const {
    return dir / kPlanClassesFile;
}

json render_request(const RenderOptions& o, const fs::path& weights) {
    json request = options_json(o, true);
    // The precision the frames are made in: a bf16 request on a CPU without bfloat16 makes fp32
    // frames, which a later bf16 run on another CPU must not continue.
    request["precision"] =
        std::string(biggan::precision_name(biggan::precision_on_this_cpu(o.precision)));
    request["format"] = kPlanFormat;
    request["song_sha256"] = store::sha256_file(o.song);
    request["weights"] = fs::absolute(weights).lexically_normal().string();
    request["weights_files"] = weights_identity(weights);
    if (o.lyrics)
        request["lyrics_sha256"] = file_digest_or_null(o.lyrics);
    if (o.use_last_vectors || o.use_last_classes) {
        json saved = json::object();
        for (const char* name : {kNoiseVectorsFile, kClassVectorsFile, kSavedRecordFile})
            saved[name] = file_digest_or_null(o.vectors_dir / name);
        request["saved_vectors"] = saved;
    }
    request.update(video_request(o));
    return request;
}

std::optional<std::string> request_difference(const json& request, const json& identity) {
    json asked = request, found = json::object();
    if (asked.contains("seed") && asked.at("seed").is_null())
        asked.erase("seed");  // a drawn seed: any plan's
    for (const auto& [key, value] : asked.items())
        found[key] = identity.contains(key) ? identity.at(key) : json(nullptr);
    return describe_difference(found, asked);
}

RenderPlan make_plan(const RenderOptions& o, const json& request, const fs::path& weights,
                     const std::optional<json>& previous, const fs::path& dir,
                     const std::optional<text::Lyrics>& lyrics) {
    RenderPlan plan;
    plan.dir = dir;
    plan.frame_rate = frame_rate_for(o);
    const Song song = analyse_song(o, plan.frame_rate);
    plan.seed = choose_seed(o, previous);
    plan.frames = song.frames;
    if (o.use_last_vectors) {
        const SavedVectorFiles saved = open_saved_vectors(o.vectors_dir);
        if (saved.noise->rows() < song.frames) {
            log::warn("the saved vectors cover {} of {} frames; the video stops there",
                      saved.noise->rows(), song.frames);
            plan.frames = saved.noise->rows();
        }
        PlanWriter writer(plan.noise_file(), plan.classes_file(), plan.frames);
        copy_saved_vectors(saved, plan.frames, writer);
        writer.commit();
        plan.classes = load_saved_classes(o.vectors_dir);
    } else {
        PlanWriter writer(plan.noise_file(), plan.classes_file(), plan.frames);
        std::vector<choreo::ClassCue> cues;
        plan.classes = choose_classes(o, lyrics, plan.seed, plan.frame_rate, song.chromasort, cues);
        choreograph(o, song, plan.frame_rate, plan.classes, plan.seed, cues, writer);
        BGV_ASSERT(writer.written() == plan.frames, "the choreography made {} of {} frames",
                   writer.written(), plan.frames);
        writer.commit();
    }
    log::info("classes {}", fmt::join(plan.classes, " "));

    plan.weights = weights;
    plan.truncation = o.choreo.truncation;
    plan.threads = o.threads;
    plan.batch_size = o.batch_size;
    plan.segment_frames = o.segment_frames;
    plan.song = o.song;
    plan.start = o.start;
    plan.duration = o.duration;
    if (lyrics)
        plan.subtitles =
            subtitle_cues(*lyrics, o.start, seconds_at_frame(plan.frames, plan.frame_rate));

    plan.identity = request;
    plan.identity.update(json{
        {"samples", song.samples},
        {"frames", plan.frames},
        {"frame_rate", fmt::format("{}/{}", plan.frame_rate.num, plan.frame_rate.den)},
        {"seed", plan.seed},
        {"chosen_classes", plan.classes},
        {"vectors_sha256", PlanVectors(dir).digest()},
        {"subtitles_sha256", cues_digest(plan.subtitles)},
    });
    plan.identity_digest = identity_digest(plan.identity);
    plan.record = {
        {"identity", plan.identity},
        {"options", options_json(o)},
        {"song", fs::absolute(o.song).string()},
        {"duration", o.duration ? json(*o.duration) : json(nullptr)},
        {"start", o.start},
        {"model", o.weights ? "--weights" : store::biggan_model_for_resolution(o.resolution)},
        {"seed", plan.seed},
        {"classes", plan.classes},
        {"num_classes", plan.classes.size()},
        {"lyrics", o.lyrics ? json(fs::absolute(*o.lyrics).string()) : json(nullptr)}};
    const json file = {
        {"format", kPlanFormat},
        {"identity", plan.identity},
        {"record", plan.record},
        {"song", fs::absolute(o.song).string()},
        {"weights", fs::absolute(plan.weights).string()},
        {"threads", plan.threads},
        {"subtitles", cues_json(plan.subtitles)},
    };
    settle_video(plan);
    write_file_atomic(dir / kPlanFile, file.dump(1) + "\n");
    return plan;
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
        plan.dir = dir;
        plan.identity = file.at("identity");
        plan.identity_digest = identity_digest(plan.identity);
        plan.record = file.at("record");
        read_settings(plan, file);
        const PlanVectors vectors(dir);
        if (vectors.frames() != plan.frames ||
            vectors.digest() != plan.identity.at("vectors_sha256").get<std::string>() ||
            cues_digest(plan.subtitles) != plan.identity.at("subtitles_sha256"))
            return std::nullopt;
        return plan;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace bgv::render
