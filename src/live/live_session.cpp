#include "live/live_session.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "choreo/classes.h"
#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "core/random.h"
#include "live/attack_step.h"
#include "live/audio_input.h"
#include "live/frame_ask.h"
#include "live/frame_log.h"
#include "live/live_choreography.h"
#include "live/live_control.h"
#include "live/live_features.h"
#include "live/live_generation.h"
#include "live/media_writer.h"
#include "live/osc_server.h"
#include "live/show_stats.h"
#include "live/status_line.h"
#include "live/v4l2_output.h"
#include "live/window.h"
#include "osc/osc_controls.h"
#include "render/renderer.h"

namespace bgv::live {

namespace {
using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

// A frame is stepped ahead of its time by what the generator takes, plus a margin for its
// variation: twice its average distance from the average, at least kLeastMargin.
constexpr Clock::duration kLeastMargin = 3ms;
constexpr Clock::duration kFirstMargin = 15ms;  // before any frame of the session is made
constexpr Clock::duration kStatusInterval = 500ms;
constexpr Clock::duration kLongestWait = 5ms;  // the loop's longest sleep between its duties

double seconds_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration_cast<Seconds>(to - from).count();
}

// What the log and the status need of a frame once it is shown.
struct FrameNote {
    double audio_seconds = 0;  // the centre of the analysis frame the picture followed
    Clock::time_point heard;   // when the newest sound that frame saw was heard
    bool beat = false;
    double tempo = 0;
    double power = 0;
};

// The frames shown: the statistics of the status line and the frame log, fed from the window's
// thread (or the generator's, without a window).
class ShownFrames {
  public:
    ShownFrames(Clock::time_point origin, std::optional<std::filesystem::path> log_path)
        : origin_(origin) {
        if (log_path)
            log_.emplace(*log_path);
    }
    void expect(std::int64_t frame, const FrameNote& note) {
        std::lock_guard lock(mutex_);
        notes_[frame] = note;
        while (notes_.size() > 256)
            notes_.erase(notes_.begin());
    }
    void shown(std::int64_t frame, Clock::time_point when) {
        std::lock_guard lock(mutex_);
        const auto it = notes_.find(frame);
        if (it == notes_.end())
            return;
        FrameNote note = it->second;
        // The frames before it that were never shown (dropped): a beat they kicked first shows
        // in this one.
        for (auto dropped = notes_.begin(); dropped != it; dropped = notes_.erase(dropped))
            note.beat = note.beat || dropped->second.beat;
        notes_.erase(it);
        if (!any_shown_) {
            any_shown_ = true;
            log::info("live: the first frame is on screen, {:.0f} ms after its sound",
                      seconds_between(note.heard, when) * 1000);
        }
        const double latency_ms = seconds_between(note.heard, when) * 1000;
        stats_.frame_shown(when, latency_ms);
        if (log_)
            log_->write({frame, note.audio_seconds, seconds_between(origin_, when), latency_ms,
                         note.beat, note.tempo, note.power});
    }
    ShowSummary summary(Clock::time_point now) const {
        std::lock_guard lock(mutex_);
        return stats_.summary(now);
    }
    void finish() {
        std::lock_guard lock(mutex_);
        if (log_)
            log_->finish();
    }

  private:
    Clock::time_point origin_;
    mutable std::mutex mutex_;
    std::map<std::int64_t, FrameNote> notes_;
    bool any_shown_ = false;
    ShowStats stats_;
    std::optional<FrameLog> log_;
};

// Where the session stands, for the studio's Live panel (docs/live.md): written atomically.
void write_status_file(const std::filesystem::path& path, const LiveStatus& status,
                       const render::RenderOptions& options, const std::optional<int>& osc_port,
                       const std::string& osc_host, const std::string& input) {
    nlohmann::json live_options = nlohmann::json::object();
    for (const auto& row : render::render_option_table()) {
        if (row.def.live) {
            const auto value = row.get(options);
            live_options[row.def.name] = value ? render::option_json(*value) : nullptr;
        }
    }
    // The classes of the keys 1-9, so that the Live panel's preset buttons send the same ones.
    nlohmann::json presets = nlohmann::json::array();
    for (int preset = 1; preset <= 9; ++preset) {
        const auto changed =
            with_key(options, KeyEvent{.action = KeyEvent::Action::preset, .preset = preset}, 0);
        BGV_ASSERT(changed.has_value(), "preset {} changed nothing", preset);
        presets.push_back(changed->classes);
    }
    const nlohmann::json json = {
        {"pid", ::getpid()},
        {"input", input},
        {"osc", osc_port ? nlohmann::json{{"host", osc_host}, {"port", *osc_port}}
                         : nlohmann::json(nullptr)},
        {"seconds", status.seconds},
        {"fps", status.fps},
        {"target_fps", status.target_fps},
        {"latency_p50_ms", status.latency_p50_ms},
        {"latency_p95_ms", status.latency_p95_ms},
        {"dropped_frames", status.dropped_frames},
        {"audio_overruns", status.audio_overruns},
        {"tempo_bpm", status.tempo_bpm},
        {"beat_locked", status.beat_locked},
        {"options", live_options},
        {"presets", presets}};
    write_file_atomic(path, json.dump(1) + "\n");
}

// The options a session starts from: a seed and classes drawn when none are given, said once.
render::RenderOptions starting_options(const LiveOptions& options) {
    render::RenderOptions o = options.render;
    if (!o.seed) {
        o.seed = draw_seed();
        log::info("seed {} (pass --seed {} for the same classes and motion)", *o.seed, *o.seed);
    }
    if (o.classes.empty())
        o.classes = choreo::random_classes(o.num_classes, *o.seed);
    o.num_classes = static_cast<int>(o.classes.size());
    log::info("classes {}", fmt::join(o.classes, " "));
    return o;
}
}  // namespace

void check_live_options(const LiveOptions& o) {
    render::check_options(o.render);
    if (o.input.empty())
        fail_usage("--input: expected a source (pulse, pulse:NAME, alsa:DEVICE, jack or a file)");
    if (o.record && o.record->extension() != ".mp4")
        fail_usage("--record {}: the recording is an .mp4 file", o.record->string());
    if (!o.window && o.fullscreen)
        fail_usage("--fullscreen and --no_window: the window is either shown or not");
}

void run_live_session(const LiveOptions& options, const render::GeneratorFactory& make_generator,
                      const std::atomic<bool>* stop) {
    check_live_options(options);
    const InputSource source = parse_input_source(options.input);
    check_input(source);  // a missing file is said before the model is fetched
    render::RenderOptions current = starting_options(options);
    const FrameRate rate = current.fps.value_or(kDefaultLiveFps);
    const double fps = rate.per_second();
    const auto frame_period = std::chrono::duration_cast<Clock::duration>(Seconds(1 / fps));

    const auto weights = render::generator_weights(current);
    auto generator = make_generator(weights, current.choreo.truncation, current.threads);
    const int width = generator->width(), height = generator->height();
    LiveChoreography choreography(current, fps);

    // The generator's time per frame, before any sound: how far ahead frames are stepped.
    Clock::duration frame_time{};
    {
        FrameRequest request{0, Clock::now(), {}, {}};
        LiveChoreography(current, fps).step(choreo::FrameFeatures{}, request.z, request.y);
        frame_time = warm_up(*generator, request);
        log::info("live: {}×{} px frames take {:.0f} ms here; target {:.3g} fps", width, height,
                  std::chrono::duration<double, std::milli>(frame_time).count(), fps);
    }
    std::unique_ptr<OscServer> osc;
    if (options.osc_port) {
        osc = std::make_unique<OscServer>(osc::live_osc_options(), *options.osc_port,
                                          options.osc_host);
        log::info("live: OSC control on udp://{}:{} (/bigganviz/...)", osc->bind_address(),
                  osc->port());
    }
    // Declared before the window, so that it outlives the window's thread, which feeds it.
    std::optional<ShownFrames> shown;  // made once the session's time 0 is known
    std::unique_ptr<Window> window;
    if (options.window) {
        window = std::make_unique<Window>(
            WindowSettings{.width = options.window_size,
                           .height = options.window_size,
                           .fullscreen = options.fullscreen,
                           .display = options.display,
                           .on_shown = [&shown](const LiveFrame& frame, Clock::time_point when) {
                               shown->shown(frame.index, when);
                           }});
    }

    InputSettings input_settings;
    input_settings.playback = options.playback;
    const auto input = open_audio_input(source, input_settings);
    log::info("live: listening to {}", input->name());
    const auto audio_seconds_at = [&](Clock::time_point when) {
        const HeardPosition heard = input->heard_now();
        return heard.sample / kLiveSampleRate + seconds_between(heard.time, when);
    };
    const auto heard_at = [&](double seconds) {
        const HeardPosition heard = input->heard_now();
        return heard.time + std::chrono::duration_cast<Clock::duration>(
                                Seconds(seconds - heard.sample / kLiveSampleRate));
    };
    // The first sound: frame 0 is shown one frame's making after it, the session's time 0.
    LiveFeatures features(fps);
    std::vector<AudioBlock> early;  // blocks before time 0, for the recording
    while (!features.has_sound()) {
        if (stop && stop->load())
            return;
        if (input->ended())
            fail("{}: no sound came", input->name());
        if (auto block = input->next_block(kLongestWait)) {
            features.push(block->first_sample, block->samples);
            early.push_back(std::move(*block));
        }
    }
    const Clock::time_point first_display = Clock::now() + frame_time + kFirstMargin;
    const double origin_seconds = audio_seconds_at(first_display);
    shown.emplace(first_display, options.frame_log);

    const MediaSettings media{.width = width,
                              .height = height,
                              .fps = rate,
                              .origin = first_display,
                              .seconds = current.duration};
    std::vector<std::unique_ptr<MediaWriter>> writers;
    if (options.record)
        writers.push_back(MediaWriter::record(*options.record, media));
    if (options.stream)
        writers.push_back(MediaWriter::stream(*options.stream, media));
    for (const auto& writer : writers) {
        for (const AudioBlock& block : early)  // those before time 0 are cut by the writer
            writer->offer_audio(block);
    }
    early.clear();
    std::unique_ptr<V4l2Output> camera;
    if (options.v4l2)
        camera = std::make_unique<V4l2Output>(*options.v4l2, width, height);
    std::vector<FrameOutput*> outputs;
    if (window)
        outputs.push_back(window.get());
    for (const auto& writer : writers)
        outputs.push_back(writer.get());
    if (camera)
        outputs.push_back(camera.get());
    LiveGeneration generation(
        *generator,
        [&](LiveFrame frame) {
            for (FrameOutput* output : outputs)
                output->offer(frame);
            if (!window)  // no screen: a frame counts as shown when due (or when ready, if late)
                shown->shown(frame.index, std::max(Clock::now(), frame.presentation_time));
        },
        frame_time);

    StatusLine status_line;
    LiveStatus status{.target_fps = fps};
    std::int64_t next_frame = 0;
    // Frame k is due at first_display + k frame periods - advance: attacks heard between frames
    // bring the grid earlier (the stepper's time origin moves with it).
    Clock::duration advance{};
    const auto display_of = [&](std::int64_t frame) {
        return first_display + frame * frame_period - advance;
    };
    Clock::time_point last_display = first_display - frame_period;
    // The frame asked for last: its index, whether it kicks, and when the one before it is due.
    std::int64_t last_asked = -1;
    bool last_beat = false;
    Clock::time_point display_before_last = last_display - frame_period;
    std::int64_t not_asked = 0;  // frames stepped that a slow generator could not make in time
    Clock::time_point last_status{};
    std::uint64_t draws = 0;
    std::vector<float> z, y;
    const auto apply = [&](const render::RenderOptions& changed) {
        if (changed.choreo.truncation != current.choreo.truncation)
            generation.set_truncation(changed.choreo.truncation);
        choreography.apply(changed);
        current = changed;
    };

    bool quit = false;
    while (!quit && !(stop && stop->load())) {
        const Clock::time_point now = Clock::now();
        const Clock::duration lead =
            generation.frame_time() + std::max(kLeastMargin, 2 * generation.frame_time_spread());
        // The sound, as it comes.
        const Clock::duration wait = std::clamp<Clock::duration>(
            display_of(next_frame) - lead - now, Clock::duration::zero(), kLongestWait);
        if (auto block = input->next_block(wait)) {
            features.push(block->first_sample, block->samples);
            for (const auto& writer : writers)
                writer->offer_audio(*block);
        }
        // Control.
        if (osc) {
            while (auto change = osc->next_change(Clock::duration::zero())) {
                try {
                    apply(with_change(current, *change));
                } catch (const UsageError& error) {
                    log::warn("live: OSC /bigganviz/{} refused: {}", change->name, error.what());
                }
            }
        }
        if (window) {
            while (auto key = window->next_key(Clock::duration::zero())) {
                if (key->action == KeyEvent::Action::quit)
                    quit = true;
                else if (auto changed = with_key(current, *key, draws++))
                    apply(*changed);
            }
            if (const auto failure = window->failure())
                fail("the window stopped: {}", *failure);
        }
        // An attack heard between two frames of the grid: the next frame stepped at once (and, for
        // a slow generator, the frame it is making given up), the grid going on from it.
        if (features.attack_heard(audio_seconds_at(Clock::now()))) {
            const AttackStep step =
                attack_step({.now = Clock::now(),
                             .frame_period = frame_period,
                             .frame_time = generation.frame_time(),
                             .next_due = display_of(next_frame),
                             .last_due = last_display,
                             .before_last_due = display_before_last,
                             .free_at = generation.free_at(Clock::now()),
                             .waiting = generation.waiting(),
                             .making_last = last_asked >= 0 && generation.making() == last_asked,
                             .last_kicks_locked = last_beat && features.beats().locked()});
            if (!step.give_up_last) {
                advance += step.advance;
            } else if (generation.abandon(last_asked)) {  // still being made
                advance += step.advance;
                last_display = display_before_last;
            }
        }
        // Every frame due for stepping: its features, its vectors, asked of the generator if it
        // can make it in time (live/frame_ask; a frame not asked for is stepped all the same, so
        // that the motion keeps its pace, and a kick it had shows in the next frame shown).
        while (display_of(next_frame) - lead <= Clock::now()) {
            const Clock::time_point display = display_of(next_frame);
            FrameFeaturesInfo info;
            const auto frame_features = features.features_for(
                audio_seconds_at(display), origin_seconds - Seconds(advance).count(), info);
            choreography.step(frame_features, z, y);
            shown->expect(next_frame, {info.audio_seconds, heard_at(info.newest_sample), info.beat,
                                       features.beats().tempo_bpm(), info.power});
            const Clock::time_point stepped = Clock::now();
            const Clock::duration making = generation.frame_time();
            // The next frame to kick on a beat, among those this one's making would delay.
            std::optional<Clock::time_point> next_kick;
            if (making > frame_period) {
                for (std::int64_t later = next_frame + 1;
                     display_of(later) < stepped + 2 * making + frame_period; ++later) {
                    if (features.beat_expected(audio_seconds_at(display_of(later)))) {
                        next_kick = display_of(later);
                        break;
                    }
                }
            }
            if (ask_for_frame({.now = stepped,
                               .frame_period = frame_period,
                               .frame_time = making,
                               .free_at = generation.free_at(stepped),
                               .due = display,
                               .kicks = info.beat,
                               .next_kick_due = next_kick})) {
                generation.request({next_frame, display, z, y});
                display_before_last = last_display;
                last_display = display;
                last_beat = info.beat;
                last_asked = next_frame;
            } else {
                ++not_asked;
            }
            ++next_frame;
        }
        generation.check();
        // The status line, the status file, and the end.
        const Clock::time_point after = Clock::now();
        const ShowSummary summary = shown->summary(after);
        status = {.seconds = seconds_between(first_display, after),
                  .fps = summary.fps,
                  .target_fps = fps,
                  .latency_p50_ms = summary.latency_p50_ms,
                  .latency_p95_ms = summary.latency_p95_ms,
                  .dropped_frames = generation.dropped() + not_asked,
                  .audio_overruns = input->overruns(),
                  .tempo_bpm = features.beats().tempo_bpm(),
                  .beat_locked = features.beats().locked()};
        status_line.update(status, after);
        if (options.status_file && after - last_status >= kStatusInterval) {
            write_status_file(*options.status_file, status, current,
                              osc ? std::optional(osc->port()) : std::nullopt, options.osc_host,
                              input->name());
            last_status = after;
        }
        if (current.duration && seconds_between(first_display, after) >= *current.duration)
            break;
        if (input->ended())
            break;
    }
    generation.stop();
    window.reset();  // its thread reports shown frames: it ends before they are summed up
    input->stop();
    status_line.finish(status);
    const Clock::time_point end = Clock::now();
    for (const auto& writer : writers)
        writer->finish(end);
    shown->finish();
    if (options.status_file) {
        std::error_code ignored;
        std::filesystem::remove(*options.status_file, ignored);
    }
    const double mean_frame_ms =
        generation.made() > 0
            ? std::chrono::duration<double, std::milli>(generation.busy()).count() /
                  static_cast<double>(generation.made())
            : 0.0;
    log::info(
        "live: {} frames made ({:.1f} ms each on average), {} dropped, {} not asked for (the "
        "generator slower than --fps), {} audio overruns",
        generation.made(), mean_frame_ms, generation.dropped(), not_asked, input->overruns());
    if (osc)
        log::info("live: OSC: {} changes taken, {} messages refused", osc->accepted(),
                  osc->refused());
}

}  // namespace bgv::live
