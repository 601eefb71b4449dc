// Test support: how beat trackers are scored (mir_eval's beat F-measure: estimated and reference
// beats matched one to one within a tolerance, both trimmed of the first seconds), for the beat
// tests and bench_live_beats. Header-only; included as "support/beat_scores.h".
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace bgv::test {

inline constexpr double kBeatTolerance = 0.07;  // mir_eval's ±70 ms
inline constexpr double kBeatSkip = 5.0;        // mir_eval.beat.trim_beats: the first 5 s

struct BeatScore {
    double f_measure = 0;
    double precision = 0;
    double recall = 0;
    int matched = 0;
};

// Beats (seconds, increasing) at or after `skip` are matched greedily in time order, each
// estimate to the earliest unmatched reference within `tolerance`; on a line with tolerance
// windows narrower than half the spacing this is a maximum one-to-one matching, as mir_eval's.
inline BeatScore score_beats(std::vector<double> estimated, std::vector<double> reference,
                             double tolerance = kBeatTolerance, double skip = kBeatSkip) {
    std::erase_if(estimated, [&](double t) { return t < skip; });
    std::erase_if(reference, [&](double t) { return t < skip; });
    BeatScore score;
    if (estimated.empty() || reference.empty()) {
        return score;
    }
    std::size_t e = 0;
    std::size_t r = 0;
    while (e < estimated.size() && r < reference.size()) {
        if (std::abs(estimated[e] - reference[r]) <= tolerance) {
            ++score.matched;
            ++e;
            ++r;
        } else if (estimated[e] < reference[r]) {
            ++e;
        } else {
            ++r;
        }
    }
    score.precision = static_cast<double>(score.matched) / static_cast<double>(estimated.size());
    score.recall = static_cast<double>(score.matched) / static_cast<double>(reference.size());
    const double sum = score.precision + score.recall;
    score.f_measure = sum > 0 ? 2 * score.precision * score.recall / sum : 0.0;
    return score;
}

// The signed distance from `t` to the nearest of `beats` (increasing, not empty).
inline double distance_to_nearest(double t, const std::vector<double>& beats) {
    const auto after = std::lower_bound(beats.begin(), beats.end(), t);
    double best = after != beats.end() ? t - *after : t - beats.back();
    if (after != beats.begin()) {
        const double before = t - *(after - 1);
        if (std::abs(before) < std::abs(best)) {
            best = before;
        }
    }
    return best;
}

}  // namespace bgv::test
