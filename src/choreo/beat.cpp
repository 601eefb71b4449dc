#include "choreo/beat.h"

#include <algorithm>
#include <cmath>

#include "choreo/streams.h"
#include "core/error.h"
#include "core/random.h"

namespace bgv::choreo {

namespace {
// Speed of the drift at motion 1 and full harmonic energy, in truncation units per second: the
// ±2·truncation range (4 units) is crossed in 4 s, slow against the pulses.
constexpr double kDriftPerSecond = 1.0;
constexpr int kBeatsPerBar = 4;
constexpr double kSameInstant = 1e-6;  // seconds

double max_of(std::span<const float> values) {
    double maximum = 0;
    for (const float v : values)
        maximum = std::max(maximum, static_cast<double>(v));
    return maximum;
}

// Reflects x into [-bound, bound] as a ball bouncing between two walls would be.
double fold(double x, double bound) {
    const double period = 4 * bound;
    double y = std::fmod(x + bound, period);
    if (y < 0)
        y += period;
    return y <= 2 * bound ? y - bound : 3 * bound - y;
}

void check_view(const RhythmView& rhythm) {
    const auto frames = static_cast<std::size_t>(rhythm.frames);
    if (rhythm.frames < 0 || !(rhythm.frames_per_second > 0) ||
        rhythm.onset_env_percussive.size() != frames || rhythm.rms_h.size() != frames ||
        rhythm.chroma_h.size() != kPitchClasses * frames) {
        fail("beat choreography: rhythm features do not hold {} frames", rhythm.frames);
    }
}
}  // namespace

void check_beat_params(const BeatParams& p) {
    const auto in = [](double v, double lo, double hi) { return v >= lo && v <= hi; };
    if (!in(p.pulse, 0, 1))
        fail_usage("--pulse {}: not allowed, expected a number 0–1", p.pulse);
    if (!in(p.motion, 0, 1))
        fail_usage("--motion {}: not allowed, expected a number 0–1", p.motion);
    if (!in(p.pulse_decay, 0.01, 10))
        fail_usage("--pulse_decay {}: not allowed, expected a number 0.01–10", p.pulse_decay);
    if (!in(p.class_smooth, 0, 60))
        fail_usage("--class_smooth {}: not allowed, expected a number 0–60", p.class_smooth);
    if (p.shuffle_bars < 1)
        fail_usage("--shuffle_bars {}: not allowed, expected an integer ≥ 1", p.shuffle_bars);
}

BeatCurves beat_curves(const RhythmView& rhythm, const BeatParams& params) {
    check_view(rhythm);
    const std::int64_t frames = rhythm.frames;
    const double dt = 1.0 / rhythm.frames_per_second;
    // An event at a frame's own time (a beat found at that frame) belongs to it, whatever the
    // rounding of i / fps against frame · hop / rate.
    const auto time_of = [&](std::int64_t i) {
        return static_cast<double>(i) / rhythm.frames_per_second + kSameInstant;
    };
    BeatCurves curves;
    curves.pulse.assign(static_cast<std::size_t>(frames), 0.0);
    curves.drive.assign(static_cast<std::size_t>(frames), 0.0);
    curves.distance.assign(static_cast<std::size_t>(frames), 0.0);
    curves.rotation.assign(static_cast<std::size_t>(frames), 0);

    // Kicks: every onset, as strong as the percussive part's onset strength there (relative to
    // its loudest onset), so that an onset of the harmonic part alone barely moves the picture.
    // The pulse is the strongest decaying kick, not their sum: an onset found twice (at a fine
    // hop, or a flam) kicks once, so the pulse is the same at every frame rate.
    const double env_max = max_of(rhythm.onset_env_percussive);
    const auto strength_at = [&](double seconds) {
        if (env_max <= 0 || frames == 0)
            return 0.0;
        const auto frame = std::clamp<std::int64_t>(
            std::llround(seconds * rhythm.frames_per_second), 0, frames - 1);
        return static_cast<double>(rhythm.onset_env_percussive[frame]) / env_max;
    };
    const double decay_per_frame = std::exp(-dt / params.pulse_decay);
    std::size_t next_onset = 0;
    double pulse = 0;
    for (std::int64_t i = 0; i < frames; ++i) {
        pulse *= i > 0 ? decay_per_frame : 0.0;
        const double now = time_of(i);
        while (next_onset < rhythm.onset_times.size() && rhythm.onset_times[next_onset] <= now) {
            const double onset = rhythm.onset_times[next_onset++];
            pulse =
                std::max(pulse, strength_at(onset) * std::exp(-(now - onset) / params.pulse_decay));
        }
        curves.pulse[i] = pulse;
    }

    const double rms_max = max_of(rhythm.rms_h);
    for (std::int64_t i = 0; i < frames; ++i) {
        curves.drive[i] = rms_max > 0 ? static_cast<double>(rhythm.rms_h[i]) / rms_max : 0.0;
        if (i > 0) {
            const double speed = params.motion * kDriftPerSecond;
            curves.distance[i] =
                curves.distance[i - 1] + speed * (curves.drive[i - 1] + curves.drive[i]) / 2 * dt;
        }
    }

    std::size_t beats_so_far = 0;
    const auto beats_per_rotation = static_cast<std::size_t>(kBeatsPerBar * params.shuffle_bars);
    for (std::int64_t i = 0; i < frames; ++i) {
        while (beats_so_far < rhythm.beat_times.size() &&
               rhythm.beat_times[beats_so_far] <= time_of(i))
            ++beats_so_far;
        curves.rotation[i] = static_cast<int>(beats_so_far / beats_per_rotation);
    }
    return curves;
}

Vectors make_beat_vectors(const RhythmView& rhythm, std::span<const int> classes,
                          const BeatParams& params, std::uint64_t seed,
                          std::span<const ClassCue> cues) {
    check_classes(classes);
    check_beat_params(params);
    const BeatCurves curves = beat_curves(rhythm, params);
    const std::int64_t frames = rhythm.frames;
    const double truncation = params.truncation;
    const double bound = 2 * truncation;

    Vectors out;
    out.count = frames;
    out.noise.assign(static_cast<std::size_t>(frames * kNoiseSize), 0.0);
    out.classes.assign(static_cast<std::size_t>(frames * kImageNetClasses), 0.0);

    Random noise_rng(seed, kNoiseStream);
    Random unit_rng(seed, kJitterStream);
    std::array<double, kNoiseSize> start{}, velocity{}, kick{};
    for (int u = 0; u < kNoiseSize; ++u) {
        start[u] = truncation * noise_rng.truncated_normal(-2.0, 2.0);
        const double direction = start[u] < 0 ? 1.0 : -1.0;
        velocity[u] = direction * (0.5 + 0.5 * unit_rng.uniform()) * truncation;
    }
    for (int u = 0; u < kNoiseSize; ++u) {
        const double size = 0.5 + 0.5 * unit_rng.uniform();
        kick[u] = (unit_rng.uniform() < 0.5 ? -size : size) * truncation;
    }
    for (std::int64_t i = 0; i < frames; ++i) {
        double* noise = out.noise.data() + i * kNoiseSize;
        const double pushed = params.pulse * curves.pulse[i];
        for (int u = 0; u < kNoiseSize; ++u)
            noise[u] = fold(start[u] + velocity[u] * curves.distance[i] + pushed * kick[u], bound);
    }

    // Class weights follow the harmonic chroma with an exponential smoothing whose time constant
    // is class_smooth seconds, whatever the frame rate.
    const int num_classes = static_cast<int>(classes.size());
    const double dt = 1.0 / rhythm.frames_per_second;
    const double keep = params.class_smooth > 0 ? std::exp(-dt / params.class_smooth) : 0.0;
    std::vector<double> weights(kImageNetClasses, 0.0);
    for (std::int64_t i = 0; i < frames; ++i) {
        std::vector<double> target(kImageNetClasses, 0.0);
        for (int r = 0; r < num_classes; ++r) {
            const int pitch = rhythm.chromasort[r];
            const int id = classes[(r + curves.rotation[i]) % num_classes];
            target[id] = static_cast<double>(rhythm.chroma_h[pitch * frames + i]);
        }
        for (int c = 0; c < kImageNetClasses; ++c)
            weights[c] = i == 0 ? target[c] : keep * weights[c] + (1 - keep) * target[c];
        std::span<double> cv(out.classes.data() + i * kImageNetClasses, kImageNetClasses);
        std::copy(weights.begin(), weights.end(), cv.begin());
        normalise_class_vector(cv, classes);
    }
    apply_cues(out.classes, out.count, cues);
    return out;
}

}  // namespace bgv::choreo
