// choreo/beat: the beat choreography (--choreography beat): percussive onsets kick the noise
// vector, harmonic energy drifts it, the harmonic part's chroma blends the classes. Every constant
// is in seconds, so one set of parameters moves the same at 24 and at 60 frames per second.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "choreo/stepper.h"
#include "choreo/vectors.h"

namespace bgv::choreo {

struct BeatParams {
    double pulse = 0.8;         // 0–1: kick size; 1 moves every noise unit by up to 1·truncation
    double offbeat = 0.3;       // 0–1: how hard an onset between beats kicks, against a beat
    double pulse_decay = 0.25;  // seconds for a kick to fall to 1/e
    double motion = 0.5;  // 0–1: drift speed; 1 crosses ±2·truncation in 4 s at full energy
    double class_smooth = 1.0;  // seconds: time constant of the class weights' smoothing
    int shuffle_bars = 8;       // the class order rotates every this many bars of 4 beats
    double truncation = 1.0;
};

// The rhythm features at the video's frame times: frame i lies at i / frames_per_second seconds.
struct RhythmView {
    std::int64_t frames = 0;
    double frames_per_second = 0;
    std::span<const float> onset_env_percussive;  // frames: onset strength of the percussive part
    std::span<const float> rms_h;                 // frames: RMS of the harmonic part
    std::span<const float> chroma_h;      // 12 x frames row-major, chroma of the harmonic part
    std::span<const double> beat_times;   // seconds, increasing
    std::span<const double> onset_times;  // seconds, increasing
    std::array<int, kPitchClasses> chromasort{};  // pitch classes by mean chroma_h, loudest first
};

// Per-frame curves the vectors are made of (also drawn in docs/choreography.md).
struct BeatCurves {
    std::vector<double> pulse;     // the largest kick, each strength·exp(-age / pulse_decay)
    std::vector<double> drive;     // rms_h / max(rms_h), in [0, 1]
    std::vector<double> distance;  // integral of motion·drive over time, in truncation units
    std::vector<int> rotation;     // how far the class order has rotated
};

BeatCurves beat_curves(const RhythmView& rhythm, const BeatParams& params);

// Onsets closer than this to a tracked beat are the beat's own (both lie on analysis frames).
inline constexpr double kBeatOnsetTolerance = 0.06;  // seconds

// The kicks of a song's rhythm, in time order: every tracked beat, as strong as the percussive
// onset strength around it (within a frame) relative to the song's strongest, and at least
// kBeatFloor; and every onset farther than kBeatOnsetTolerance from a beat, as strong as the
// percussive onset strength there.
inline constexpr double kBeatFloor = 0.5;
std::vector<Kick> song_kicks(const RhythmView& rhythm);

// The features of frame i of `rhythm` for BeatStepper (`kicks`: song_kicks(rhythm); each frame
// gets those since the previous frame's time). Calls `visit(frame, features)` for every frame.
void for_each_beat_frame(const RhythmView& rhythm, std::span<const Kick> kicks,
                         const std::function<void(std::int64_t, const FrameFeatures&)>& visit);

// One noise and one class vector per frame (frame i at time i / frames_per_second), BeatStepper
// run over the song:
//   noise_i = fold(z0 + dir·speed·distance_i + pulse·truncation·pulse_i·kick)
// where z0 = truncation·truncnorm(-2, 2) (Random(seed, kNoiseStream), as the seed's), dir moves
// each unit away from its nearer bound, speed and kick hold per-unit draws in [0.5, 1] and ±[0.5,
// 1] (Random(seed, kJitterStream)), and fold reflects at ±2·truncation (the original's bounce). The
// class of rank r (rhythm.chromasort[r]) is
// classes[(r + rotation) % n] (r < n); its weight is that pitch class's chroma, smoothed
// exponentially over class_smooth seconds, and each vector is normalised as the seed's. `cues`
// (timed lyrics) are applied as in make_vectors; class vectors are not window-smoothed.
Vectors make_beat_vectors(const RhythmView& rhythm, std::span<const int> classes,
                          const BeatParams& params, std::uint64_t seed,
                          std::span<const ClassCue> cues = {});

// Every parameter within the range render/'s option table allows (an invariant: BGV_ASSERT).
void assert_beat_params(const BeatParams& params);

}  // namespace bgv::choreo
