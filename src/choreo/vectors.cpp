#include "choreo/vectors.h"

#include <algorithm>
#include <cmath>

#include "choreo/seed_stepper.h"
#include "choreo/stepper.h"
#include "core/error.h"
#include "core/random.h"

namespace bgv::choreo {

namespace {
constexpr int kJitterPeriod = 200;
constexpr double kOriginalSampleRate = 22050;

// Population standard deviation of the nonzero entries (0 when there are none).
double std_of_nonzero(std::span<const double> row) {
    double sum = 0;
    int count = 0;
    for (const double v : row) {
        if (v != 0) {
            sum += v;
            ++count;
        }
    }
    if (count == 0)
        return 0;
    const double mean = sum / count;
    double squares = 0;
    for (const double v : row) {
        if (v != 0)
            squares += (v - mean) * (v - mean);
    }
    return std::sqrt(squares / count);
}

}  // namespace

void normalise_class_vector(std::span<double> cv, std::span<const int> classes) {
    const auto num_classes = classes.size();
    if (num_classes > 6) {
        double minimum = 0;
        bool any = false;
        double maximum = 0;
        for (const double v : cv) {
            if (v != 0) {
                minimum = any ? std::min(minimum, v) : v;
                any = true;
            }
            maximum = std::max(maximum, v);
        }
        // After zero entries := minimum, the maximum of the vector is max(maximum, minimum).
        maximum = std::max(maximum, minimum);
        const double range = maximum - minimum;
        for (double& v : cv) {
            const double filled = v == 0 ? minimum : v;
            v = (any && range > 0) ? (filled - minimum) / range : 0.0;
        }
    } else {
        const double maximum = *std::max_element(cv.begin(), cv.end());
        if (maximum > 0) {
            for (double& v : cv)
                v /= maximum;
        } else {
            std::fill(cv.begin(), cv.end(), 0.0);
        }
    }
    if (std_of_nonzero(cv) < 1e-7)
        cv[classes[0]] += 0.01;
}

void Vectors::truncate(std::int64_t new_count) {
    count = std::min(count, new_count);
    noise.resize(count * kNoiseSize);
    classes.resize(count * kImageNetClasses);
}

double frame_samples(const Params& params) {
    return params.frames_per_second > 0 ? kOriginalSampleRate / params.frames_per_second
                                        : static_cast<double>(params.frame_length);
}
double pitch_rate(const Params& params) {
    return (300.0 - params.pitch_sensitivity) * 512.0 / frame_samples(params);
}
double tempo_step(const Params& params) {
    return params.tempo_sensitivity * frame_samples(params) / 512.0;
}
int smooth_window(const Params& params) {
    return static_cast<int>(params.smooth_factor * 512.0 / frame_samples(params));
}
int jitter_period(const Params& params) {
    if (params.frames_per_second <= 0)
        return kJitterPeriod;
    return std::max(1,
                    static_cast<int>(std::lround(kJitterPeriod * 512.0 / frame_samples(params))));
}

std::array<float, kPitchClasses> first_sounding_chroma(const FeatureView& features) {
    std::array<float, kPitchClasses> chroma{};
    for (std::int64_t f = 0; f < features.frames; ++f) {
        bool sounding = false;
        for (int p = 0; p < kPitchClasses; ++p)
            sounding = sounding || features.chroma[p * features.frames + f] > 0;
        if (sounding) {
            for (int p = 0; p < kPitchClasses; ++p)
                chroma[p] = features.chroma[p * features.frames + f];
            break;
        }
    }
    return chroma;
}

Vectors make_vectors(const FeatureView& features, std::span<const int> classes,
                     const Params& params, std::uint64_t seed, std::span<const ClassCue> cues) {
    check_classes(classes);
    const std::int64_t frames = features.frames;
    if (features.chroma.size() != static_cast<std::size_t>(kPitchClasses * frames) ||
        features.spec_mean.size() != static_cast<std::size_t>(frames) ||
        features.grad_mean.size() != static_cast<std::size_t>(frames)) {
        fail("choreography: features do not hold {} frames", frames);
    }
    SeedStepper stepper(classes, params, seed, features.chromasort, first_sounding_chroma(features),
                        cues);
    VectorsCollector collected;
    FrameFeatures frame;
    for (std::int64_t f = 0; f < frames; ++f) {
        for (int p = 0; p < kPitchClasses; ++p)
            frame.chroma[p] = features.chroma[p * frames + f];
        frame.power = features.spec_mean[f];
        frame.power_rise = features.grad_mean[f];
        stepper.step(frame, collected);
    }
    stepper.finish(collected);
    return collected.take();
}

void apply_cues_to_row(std::span<double> row, std::int64_t frame, std::span<const ClassCue> cues) {
    constexpr double kOthers = 0.5;
    for (const auto& cue : cues) {
        if (cue.class_id < 0 || cue.class_id >= static_cast<int>(row.size()))
            fail("lyrics cue for class {}, not an ImageNet class", cue.class_id);
        if (frame < cue.first_frame || frame >= cue.end_frame)
            continue;
        for (double& weight : row)
            weight *= kOthers;
        row[cue.class_id] = 1.0;
    }
}

void apply_cues(std::vector<double>& rows, std::int64_t count, std::span<const ClassCue> cues) {
    for (std::int64_t f = 0; f < count; ++f)
        apply_cues_to_row(std::span(rows).subspan(f * kImageNetClasses, kImageNetClasses), f, cues);
}

void smooth_class_vectors(std::vector<double>& rows, std::int64_t count, int width, int window) {
    VectorsCollector collected;
    ClassSmoother smoother(window, collected);
    for (std::int64_t r = 0; r < count; ++r)
        smoother.put({}, std::span(rows).subspan(r * width, width));
    smoother.finish();
    rows = collected.take().classes;
}

}  // namespace bgv::choreo
