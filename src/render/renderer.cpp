#include "render/renderer.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "audio/decode.h"
#include "audio/load.h"
#include "choreo/classes.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/random.h"
#include "features/features.h"
#include "render/frame_queue.h"
#include "render/saved_vectors.h"
#include "render/work_folder.h"
#include "runtime/engine.h"
#include "store/model_table.h"
#include "store/sha256.h"
#include "store/store.h"
#include "text/lyrics.h"
#include "text/lyrics_classes.h"
#include "video/mp4_assembler.h"
#include "video/segment_writer.h"

namespace bgv::render {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
constexpr int kSampleRate = 22050;
constexpr int kRecordFormat = 1;
constexpr const char* kTextModel = "all-MiniLM-L6-v2";

void check_flags(const RenderOptions& o) {
    if (!o.classes.empty() && o.lyrics)
        fail_usage("-c/--classes and -l/--lyrics both choose the classes: give one of them");
    if (!o.classes.empty() && o.use_last_classes)
        fail_usage("-c/--classes and --use_last_classes both choose the classes: give one of them");
    if (o.lyrics && o.use_last_classes)
        fail_usage("-l/--lyrics and --use_last_classes both choose the classes: give one of them");
    if (!o.classes.empty() && static_cast<int>(o.classes.size()) != o.num_classes)
        fail_usage("-c/--classes lists {} classes but -n/--num_classes is {}: they must agree",
                   o.classes.size(), o.num_classes);
    if (o.use_last_vectors && (!o.classes.empty() || o.lyrics || o.use_last_classes))
        fail_usage(
            "--use_last_vectors reuses the saved class vectors: -c, -l and "
            "--use_last_classes would be ignored");
    if (o.segment_frames < 1 || o.batch_size < 1)
        fail_usage("batch size and frames per piece must be at least 1");
    choreo::check_classes(o.classes.empty() ? std::vector<int>{0} : o.classes);
    if (o.lyrics) {
        // A bad lyrics file fails at once, before the model store or the song are touched.
        with_context(o.lyrics->string(), [&] { text::read_lyrics_file(*o.lyrics); });
    }
}

// Reads the song and its features; `frames` video frames cover it (the last one may run past the
// end by less than one frame).
struct Song {
    std::string sha256;
    std::int64_t samples = 0;
    std::int64_t frames = 0;
    features::Features features;
};

// audio/ names the song in its own errors; the rest gets the song's name as context.
Song analyse_song(const RenderOptions& o) {
    Song song;
    const audio::Pcm pcm = audio::load_mono(o.song, kSampleRate, o.duration);
    return with_context(o.song.string(), [&] {
        song.sha256 = store::sha256_file(o.song);
        song.samples = static_cast<std::int64_t>(pcm.samples.size());
        if (song.samples == 0)
            fail("holds no audio samples");
        const int hop = o.choreo.frame_length;
        song.frames = (song.samples + hop - 1) / hop;
        song.features = features::compute_features(pcm.samples, kSampleRate, hop);
        return song;
    });
}

struct LyricsChoice {
    std::vector<int> classes;
    std::vector<choreo::ClassCue> cues;  // timed lyrics only
};

LyricsChoice classes_from_lyrics(const RenderOptions& o, std::uint64_t seed) {
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
    // Vector i shows the song at i * frame_length / 22050 seconds.
    const double frames_per_second = static_cast<double>(kSampleRate) / o.choreo.frame_length;
    const auto frame_at = [&](double seconds) {
        if (!std::isfinite(seconds))
            return std::numeric_limits<std::int64_t>::max();
        return static_cast<std::int64_t>(std::llround(seconds * frames_per_second));
    };
    for (const auto& cue : chosen.cues)
        choice.cues.push_back(
            {frame_at(cue.start_seconds), frame_at(cue.end_seconds), cue.class_id});
    if (!choice.cues.empty())
        log::info("timed lyrics: {} lines lead the class vectors while they are sung",
                  choice.cues.size());
    return choice;
}

std::vector<int> choose_classes(const RenderOptions& o, std::uint64_t seed,
                                const std::array<int, 12>& chromasort,
                                std::vector<choreo::ClassCue>& cues) {
    std::vector<int> classes;
    if (!o.classes.empty()) {
        classes = o.classes;
    } else if (o.lyrics) {
        auto choice = classes_from_lyrics(o, seed);
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

std::string vectors_digest(const choreo::Vectors& v) {
    store::Sha256 hash;
    hash.update(std::as_bytes(std::span<const double>(v.noise)));
    hash.update(std::as_bytes(std::span<const double>(v.classes)));
    return hash.hex_digest();
}

std::string weights_identity(const fs::path& weights) {
    // Size and name of every file that makes the model: enough to notice another model, cheap
    // enough not to re-hash 200 MB on every run (the store checks hashes when it fetches).
    std::string text;
    auto add = [&](const fs::path& p) {
        text += fmt::format("{}:{};", p.filename().string(), fs::file_size(p));
    };
    if (fs::is_directory(weights)) {
        std::vector<fs::path> files;
        for (const auto& entry : fs::directory_iterator(weights)) {
            if (entry.is_regular_file() && entry.path().extension() != ".lock" &&
                entry.path().extension() != ".part" && entry.path().extension() != ".sha256")
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files)
            add(f);
    } else {
        add(weights);
    }
    return text;
}

// The interrupted render is resumed only if every entry is the same.
json make_identity(const RenderOptions& o, const Song& song, const fs::path& weights,
                   std::uint64_t seed, const std::vector<int>& classes,
                   const choreo::Vectors& vectors, const video::EncoderSettings& encoder) {
    return json{
        {"format", kRecordFormat},
        {"song_sha256", song.sha256},
        {"samples", song.samples},
        {"frames", vectors.count},
        {"frame_length", o.choreo.frame_length},
        {"weights", fs::absolute(weights).lexically_normal().string()},
        {"weights_files", weights_identity(weights)},
        {"truncation", o.choreo.truncation},
        {"seed", seed},
        {"classes", classes},
        {"sort_by_power", o.sort_by_power},
        {"pitch_sensitivity", o.choreo.pitch_sensitivity},
        {"tempo_sensitivity", o.choreo.tempo_sensitivity},
        {"jitter", o.choreo.jitter},
        {"smooth_factor", o.choreo.smooth_factor},
        {"use_last_vectors", o.use_last_vectors},
        {"vectors_sha256", vectors_digest(vectors)},
        {"batch_size", o.batch_size},
        {"segment_frames", o.segment_frames},
        {"crf", encoder.crf},
        {"preset", encoder.preset},
        {"encoder_threads", encoder.threads},
    };
}

extern "C" void on_interrupt(int) {
    static const char message[] =
        "\nbigganviz: interrupted; run the same command again to resume\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(130);
}

// Tests kill the process this way at a chosen frame (a real SIGKILL, no clean-up runs).
std::int64_t kill_after_frames() {
    const char* value = std::getenv("BGV_TEST_KILL_AFTER_FRAMES");
    return value == nullptr ? -1 : std::atoll(value);
}

void render_segments(FrameGenerator& generator, const choreo::Vectors& vectors,
                     const WorkFolder& work, const video::EncoderSettings& encoder,
                     const RenderOptions& o, std::int64_t first_segment, const RenderHooks& hooks) {
    const std::int64_t total = vectors.count;
    const std::int64_t segment_frames = o.segment_frames;
    const std::int64_t segments = (total + segment_frames - 1) / segment_frames;
    const int size = generator.resolution();
    const std::size_t frame_bytes = static_cast<std::size_t>(size) * size * 3;
    FrameQueue queue(2);

    // Batches never straddle a piece, so a resumed piece is generated from exactly the batches
    // an uninterrupted run would use.
    std::thread producer([&] {
        try {
            std::vector<float> z, y;
            for (std::int64_t s = first_segment; s < segments; ++s) {
                const std::int64_t end = std::min(total, (s + 1) * segment_frames);
                for (std::int64_t first = s * segment_frames; first < end; first += o.batch_size) {
                    const int count =
                        static_cast<int>(std::min<std::int64_t>(o.batch_size, end - first));
                    z.resize(static_cast<std::size_t>(count) * choreo::kNoiseSize);
                    y.resize(static_cast<std::size_t>(count) * choreo::kImageNetClasses);
                    std::copy_n(vectors.noise.begin() + first * choreo::kNoiseSize, z.size(),
                                z.begin());
                    std::copy_n(vectors.classes.begin() + first * choreo::kImageNetClasses,
                                y.size(), y.begin());
                    FrameBatch batch{first, count, std::vector<std::uint8_t>(count * frame_bytes)};
                    with_context(fmt::format("generating frames {}-{}", first, first + count - 1),
                                 [&] { generator.generate(z, y, count, batch.rgb); });
                    if (!queue.push(std::move(batch)))
                        return;
                }
            }
            queue.close();
        } catch (...) {
            queue.close(std::current_exception());
        }
    });

    const std::int64_t start = first_segment * segment_frames;
    Progress progress("render", total, Progress::Unit::items, "frames");
    progress.set_start_offset(start);
    const std::int64_t kill_at = kill_after_frames();
    std::int64_t encoded = 0;
    try {
        std::optional<video::SegmentWriter> writer;
        std::int64_t segment = first_segment;
        while (auto batch = queue.pop()) {
            for (int i = 0; i < batch->count; ++i) {
                const std::int64_t frame = batch->first_frame + i;
                if (!writer)
                    writer.emplace(work.segment_path(segment), encoder, o.segment_frames);
                writer->add_frame(std::span(batch->rgb).subspan(i * frame_bytes, frame_bytes));
                if (++encoded == kill_at)
                    std::raise(SIGKILL);
                if (frame + 1 == std::min(total, (segment + 1) * segment_frames)) {
                    writer->finish();
                    writer.reset();
                    ++segment;
                }
            }
            progress.update(batch->first_frame + batch->count);
            if (hooks.progress)
                hooks.progress(batch->first_frame + batch->count, total);
            if (hooks.cancel != nullptr && hooks.cancel->load())
                throw Cancelled("render cancelled");
        }
        progress.finish();
    } catch (...) {
        queue.stop();
        producer.join();
        throw;
    }
    queue.stop();
    producer.join();
}

void write_video(const RenderOptions& o, const WorkFolder& work,
                 const video::EncoderSettings& encoder, std::int64_t frames,
                 const fs::path& output) {
    const audio::NativeAudio native = audio::decode_native(o.song, o.duration, true);
    // The soundtrack stops with the last frame (it is at most one frame shorter than the video).
    const double seconds = static_cast<double>(frames) * o.choreo.frame_length / kSampleRate;
    const auto keep = std::min<std::size_t>(
        native.mono.size(), static_cast<std::size_t>(std::llround(seconds * native.sample_rate)));
    std::vector<fs::path> pieces;
    const std::int64_t segments = (frames + o.segment_frames - 1) / o.segment_frames;
    for (std::int64_t s = 0; s < segments; ++s)
        pieces.push_back(work.segment_path(s));
    const fs::path assembled = work.assembled_path();
    const auto channels = static_cast<std::size_t>(native.channels);
    video::assemble_mp4(
        pieces, encoder, frames,
        {std::span(native.interleaved).first(keep * channels), native.sample_rate, native.channels},
        assembled);
    if (!output.parent_path().empty())
        fs::create_directories(output.parent_path());
    std::error_code error;
    fs::rename(assembled, output, error);
    if (error)
        fail("{}: cannot rename into place: {}", output.string(), error.message());
}
}  // namespace

void check_options(const RenderOptions& options) {
    check_flags(options);
}

fs::path default_output(const fs::path& song) {
    return fs::path("output") / (song.stem().string() + ".mp4");
}

fs::path render(const RenderOptions& o, const GeneratorFactory& make_generator,
                const RenderHooks& hooks) {
    check_flags(o);
    const fs::path output = o.output.value_or(default_output(o.song));

    // A missing song is the most common mistake: say so before anything touches the network.
    if (!fs::is_regular_file(o.song))
        fail("{}: {}", o.song.string(), fs::exists(o.song) ? "is not a file" : "no such file");
    // Then the model: without network this fails at once, in one line, before any work.
    fs::path weights;
    if (o.weights) {
        weights = *o.weights;
        if (!fs::exists(weights))
            fail_usage("--weights {}: no such file or folder", weights.string());
    } else {
        store::Store store;
        weights = store.ensure(store::biggan_model_for_resolution(o.resolution));
    }

    const Song song = analyse_song(o);
    WorkFolder work(output);
    const auto previous = work.read_record();
    std::uint64_t seed = 0;
    if (o.seed) {
        seed = *o.seed;
    } else if (o.use_last_vectors) {
        // Nothing is drawn: the saved vectors are the whole choreography.
    } else if (previous && previous->contains("identity") &&
               previous->at("identity").contains("seed")) {
        seed = previous->at("identity").at("seed").get<std::uint64_t>();
        log::info("seed {} (taken from the unfinished render in {})", seed, work.dir().string());
    } else {
        seed = draw_seed();
        log::info("seed {} (pass --seed {} to render the same video again)", seed, seed);
    }

    std::vector<int> classes;
    choreo::Vectors vectors;
    if (o.use_last_vectors) {
        vectors = load_saved_vectors(o.vectors_dir);
        classes = load_saved_classes(o.vectors_dir);
        if (vectors.count < song.frames) {
            log::warn("the saved vectors cover {} of {} frames; the video stops there",
                      vectors.count, song.frames);
        }
    } else {
        std::vector<choreo::ClassCue> cues;
        classes = choose_classes(o, seed, song.features.chromasort, cues);
        const auto& f = song.features;
        vectors = choreo::make_vectors({f.frames, f.chroma, f.spec_mean, f.grad_mean, f.chromasort},
                                       classes, o.choreo, seed, cues);
    }
    vectors.truncate(song.frames);
    log::info("classes {}", fmt::join(classes, " "));

    video::EncoderSettings encoder;
    encoder.frame_rate_num = kSampleRate;
    encoder.frame_rate_den = o.choreo.frame_length;
    encoder.crf = o.crf;
    const json identity = make_identity(o, song, weights, seed, classes, vectors, encoder);
    json record = {
        {"identity", identity},
        {"song", fs::absolute(o.song).string()},
        {"output", fs::absolute(output).string()},
        {"duration", o.duration ? json(*o.duration) : json(nullptr)},
        {"model", o.weights ? "--weights" : store::biggan_model_for_resolution(o.resolution)},
        {"seed", seed},
        {"classes", classes},
        {"num_classes", classes.size()},
        {"lyrics", o.lyrics ? json(fs::absolute(*o.lyrics).string()) : json(nullptr)}};

    if (!o.use_last_vectors) {
        save_vectors(o.vectors_dir, vectors);
        write_file_atomic(o.vectors_dir / kSavedRecordFile, record.dump(1) + "\n");
    }

    std::int64_t first_segment = 0;
    const std::int64_t segments = (vectors.count + o.segment_frames - 1) / o.segment_frames;
    if (previous && previous->contains("identity")) {
        if (const auto why = describe_difference(previous->at("identity"), identity)) {
            log::info("starting afresh: {} since the unfinished render in {}", *why,
                      work.dir().string());
        } else {
            first_segment = work.finished_segments(segments);
        }
    } else if (work.exists()) {
        log::info("starting afresh: {} holds no readable run record", work.dir().string());
    }
    if (first_segment == 0)
        work.start(record);
    else
        log::info("resuming from frame {} of {} ({} pieces done)", first_segment * o.segment_frames,
                  vectors.count, first_segment);

    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    if (first_segment < segments) {
        auto generator = make_generator(weights, o.choreo.truncation, o.threads);
        encoder.width = generator->resolution();
        encoder.height = generator->resolution();
        render_segments(*generator, vectors, work, encoder, o, first_segment, hooks);
    }
    if (hooks.progress)
        hooks.progress(vectors.count, vectors.count);
    write_video(o, work, encoder, vectors.count, output);
    work.remove();
    log::info("wrote {} ({} frames, {:.2f} s)", output.string(), vectors.count,
              static_cast<double>(vectors.count) * o.choreo.frame_length / kSampleRate);
    return output;
}

}  // namespace bgv::render
