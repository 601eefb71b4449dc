#include "live/live_features.h"

#include <algorithm>
#include <cmath>

#include "choreo/beat.h"
#include "live/audio_block.h"

namespace bgv::live {

namespace {
constexpr int kHop = 512;
constexpr double kFrameSeconds = static_cast<double>(kHop) / kLiveSampleRate;
// The tracker's beat times are librosa's, which land about one analysis frame after the attack:
// the picture kicks one frame earlier, on the attack.
constexpr double kBeatAttackShift = kFrameSeconds;
constexpr double kDriveSeconds = 20;  // the harmonic drive's scale: the loudest of the last 20 s
constexpr double kOnsetScaleSeconds = 10;
// An onset: a local peak of the percussive onset strength at least this share of the largest of
// the last kOnsetScaleSeconds, at least kOnsetGap after the one before.
constexpr float kOnsetThreshold = 0.3f;
// An attack: the scaled percussive onset strength rising through this share (lower than the
// onsets' threshold: caught early in its rise), then, within kAttackFrames analysis frames, the
// picture's power (spec_mean, 0-1 over the last seconds) at least kAttackRise above where it was
// before: a rise the picture shows. The onset strength is logarithmic: after silence it rises
// while the power is still a thousandth of the attack's.
constexpr float kAttackThreshold = 0.1f;
constexpr float kAttackRise = 0.02f;
constexpr int kAttackFrames = 3;
// After a quiet spell the power's range is the new sound's own first samples, so an attack is
// raised (and its frame stepped) when the window holds only its first millisecond or two: a frame
// that shows a thousandth of the sound. Within kAttackFrames analysis frames of such a frame, the
// unscaled power growing kRegrowth-fold over what it showed raises the attack again. A sound
// heard over an established range raises its attack at kAttackRise of that range, and then grows
// at most about 50-fold (the window's centre against that rise), well short of this.
constexpr float kRegrowth = 1000.0f;
constexpr double kOnsetGap = 0.1;
// Silence longer than this between blocks is not filled in (an input that paused for a while).
constexpr std::int64_t kLongestGap = 10 * kLiveSampleRate;
// Analysis frames kept (1.5 s), so that a frame can show the newest one already heard when the
// input is analysed ahead of being heard (a file's playback buffer, 100 ms, lies well within).
constexpr std::size_t kRecentFrames = 64;

int frames_in(double seconds) {
    return static_cast<int>(std::lround(seconds / kFrameSeconds));
}
}  // namespace

LiveFeatures::LiveFeatures(double frames_per_second)
    : frames_per_second_(frames_per_second),
      predictor_(kLiveSampleRate, kHop),
      events_(frames_per_second),
      rms_range_(frames_in(kDriveSeconds)),
      percussive_range_(frames_in(kOnsetScaleSeconds)) {}

void LiveFeatures::push(std::int64_t first_sample, std::span<const float> samples) {
    const auto sink = [this](const features::AnalysisFrame& frame) { on_frame(frame); };
    if (first_sample > next_sample_ && first_sample - next_sample_ <= kLongestGap) {
        const std::vector<float> silence(static_cast<std::size_t>(first_sample - next_sample_));
        analyzer_.push(silence, sink);
        next_sample_ = first_sample;
    }
    // Samples already analysed (an input that went back) are skipped.
    const std::int64_t skip = std::clamp<std::int64_t>(next_sample_ - first_sample, 0,
                                                       static_cast<std::int64_t>(samples.size()));
    analyzer_.push(samples.subspan(static_cast<std::size_t>(skip)), sink);
    next_sample_ = std::max(next_sample_, first_sample + static_cast<std::int64_t>(samples.size()));
    // Between two analysis frames, the window ending at the newest sample: the percussive onset
    // strength rising there (over the last frame) opens the wait for the power as a frame's does,
    // and the power rising there raises the attack, up to a hop before the next frame would.
    const bool waiting = attack_frames_left_ > 0;
    if (!recent_.empty() && received_seconds() > recent_.back().ready_seconds &&
        (waiting || !onset_opened_)) {
        const features::AnalysisFrame& newest = analyzer_.newest_window(!waiting);
        if (!waiting && onset_rises(scaled_percussive(newest.onset_percussive))) {
            wait_for_power();  // the next frame counts as the first
            onset_opened_ = true;
        }
        if (attack_frames_left_ > 0 && newest.spec_mean >= attack_base_ + kAttackRise)
            raise_attack(newest.ready_seconds);
    }
}

double LiveFeatures::received_seconds() const {
    return static_cast<double>(analyzer_.samples_received()) / kLiveSampleRate;
}

bool LiveFeatures::onset_rises(float scaled) const {
    return scaled >= kAttackThreshold && peak_ < kAttackThreshold;
}

void LiveFeatures::wait_for_power() {
    attack_frames_left_ = kAttackFrames;
    attack_base_ = previous_spec_mean_;
}

float LiveFeatures::scaled_percussive(float onset) const {
    const double scale = percussive_range_.max();
    return scale > 0 ? static_cast<float>(onset / scale) : 0.0f;
}

void LiveFeatures::raise_attack(double heard_seconds) {
    if (!attack_)
        attack_seconds_ = heard_seconds;
    attack_ = true;
    attack_frames_left_ = 0;
}

void LiveFeatures::on_frame(const features::AnalysisFrame& frame) {
    recent_.push_back(frame);
    if (recent_.size() > kRecentFrames)
        recent_.pop_front();
    predictor_.push(frame.onset_index, frame.onset);
    events_.observe(frame, predictor_);
    rms_range_.push(frame.rms);
    percussive_range_.push(frame.onset_percussive);
    pick_onset(frame);
    ++analysed_;
}

void LiveFeatures::pick_onset(const features::AnalysisFrame& frame) {
    const float value = scaled_percussive(frame.onset_percussive);
    // A rise through the threshold opens the wait for the power, unless the window before this
    // frame's end already opened it for the same rise.
    if (onset_rises(value) && !onset_opened_)
        wait_for_power();
    onset_opened_ = false;
    if (attack_frames_left_ > 0) {
        --attack_frames_left_;
        if (frame.spec_mean >= attack_base_ + kAttackRise)
            raise_attack(frame.ready_seconds);
    }
    if (regrow_frames_left_ > 0) {
        --regrow_frames_left_;
        if (frame.power > kRegrowth * shown_attack_power_ && frame.spec_mean >= kAttackRise) {
            raise_attack(frame.ready_seconds);
            regrow_frames_left_ = 0;
        }
    }
    previous_spec_mean_ = frame.spec_mean;
    // peak_ (the frame before this one) is an onset when it rises above both neighbours.
    if (peak_ > before_ && peak_ >= value && peak_ >= kOnsetThreshold &&
        peak_seconds_ - last_onset_seconds_ >= kOnsetGap) {
        onsets_.push_back({peak_seconds_, peak_, false});
        last_onset_seconds_ = peak_seconds_;
    }
    before_ = peak_;
    peak_ = value;
    peak_seconds_ = frame.onset_seconds;
}

const features::AnalysisFrame* LiveFeatures::heard_by(double seconds) const {
    for (auto it = recent_.rbegin(); it != recent_.rend(); ++it) {
        if (it->ready_seconds <= seconds)
            return &*it;
    }
    return nullptr;
}

bool LiveFeatures::beat_expected(double frame_seconds) const {
    const double half_frame = 0.5 / frames_per_second_;
    const auto beats = predictor_.next_beats(frame_seconds - half_frame + kBeatAttackShift, 1);
    return !beats.empty() && beats.front() - kBeatAttackShift <= frame_seconds + half_frame;
}

choreo::FrameFeatures LiveFeatures::features_for(double frame_seconds, double origin_seconds,
                                                 FrameFeaturesInfo& info) {
    // All the sound analysed is heard by then (a capture): the window ending at its newest
    // sample, up to a hop newer than the newest analysis frame. Else (a file analysed ahead of
    // its playback) the newest analysis frame heard by then, or, before the first is heard,
    // silence: the sound before the input's start (or before the frame's time, when earlier).
    features::AnalysisFrame silence;
    silence.time_seconds = silence.ready_seconds = std::min(frame_seconds, 0.0);
    const features::AnalysisFrame* newest =
        received_seconds() <= frame_seconds ? &analyzer_.newest_window() : heard_by(frame_seconds);
    const features::AnalysisFrame& heard = newest ? *newest : silence;
    choreo::FrameFeatures features;
    std::copy(heard.chroma.begin(), heard.chroma.end(), features.chroma.begin());
    features.power = heard.spec_mean;
    features.power_rise = heard.grad_mean;
    const double rms_max = rms_range_.empty() ? 0.0 : rms_range_.max();
    features.harmonic = rms_max > 0 ? heard.rms / rms_max : 0.0;

    kicks_.clear();
    if (attack_heard(frame_seconds)) {
        attack_ = false;
        regrow_frames_left_ = kAttackFrames;
        shown_attack_power_ = heard.power;
    }
    info = {heard.time_seconds, heard.ready_seconds, heard.power, false};
    // The beats the grid predicts whose attack is nearer this frame than any other: from half a
    // frame after the previous frame to half a frame after this one (the grid runs ahead of the
    // sound), so a kick is shown within half a frame of its beat, early or late.
    const double half_frame = 0.5 / frames_per_second_;
    const double from = previous_frame_seconds_ + half_frame + kBeatAttackShift;
    const double strength = std::max(
        choreo::kBeatFloor,
        static_cast<double>(events_.event(frame_seconds + kBeatAttackShift, predictor_).strength));
    // A grid that moved a little since the last frame must not kick one beat twice.
    const double half_period = predictor_.tempo_bpm() > 0 ? 30.0 / predictor_.tempo_bpm() : 0.25;
    for (const double beat : predictor_.next_beats(std::max(from, frame_seconds - 1.0), 4)) {
        const double attack = beat - kBeatAttackShift;
        if (attack > frame_seconds + half_frame)
            break;
        if (!recent_beats_.empty() && attack - recent_beats_.back() < half_period)
            continue;
        // No later than the frame: the stepper decays a kick from its time, never grows it.
        kicks_.push_back({std::min(attack, frame_seconds) - origin_seconds, strength, true});
        recent_beats_.push_back(attack);
        info.beat = true;
    }
    if (recent_beats_.size() > 8)
        recent_beats_.erase(recent_beats_.begin(), recent_beats_.end() - 8);
    // The onsets heard since: they cannot be predicted, so they kick now, at full strength,
    // unless a beat kicked for them (before they were heard: the grid runs ahead of the sound).
    std::vector<choreo::Kick> later;  // onsets not heard by this frame wait for a later one
    for (const choreo::Kick& onset : onsets_) {
        if (onset.seconds > frame_seconds) {
            later.push_back(onset);
            continue;
        }
        const bool on_a_beat =
            std::any_of(recent_beats_.begin(), recent_beats_.end(), [&](double attack) {
                return std::abs(attack - onset.seconds) <=
                       choreo::kBeatOnsetTolerance + kBeatAttackShift;
            });
        if (!on_a_beat)
            kicks_.push_back({frame_seconds - origin_seconds, onset.strength, false});
    }
    onsets_ = std::move(later);
    previous_frame_seconds_ = frame_seconds;
    features.kicks = kicks_;
    return features;
}

}  // namespace bgv::live
