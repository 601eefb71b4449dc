#include "choreo/vectors.h"

#include <algorithm>
#include <cmath>

#include "choreo/streams.h"
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

Vectors make_vectors(const FeatureView& features, std::span<const int> classes,
                     const Params& params, std::uint64_t seed, std::span<const ClassCue> cues) {
    check_classes(classes);
    const std::int64_t frames = features.frames;
    if (features.chroma.size() != static_cast<std::size_t>(kPitchClasses * frames) ||
        features.spec_mean.size() != static_cast<std::size_t>(frames) ||
        features.grad_mean.size() != static_cast<std::size_t>(frames)) {
        fail("choreography: features do not hold {} frames", frames);
    }
    const auto chroma = [&](int pitch, std::int64_t frame) {
        return static_cast<double>(features.chroma[pitch * frames + frame]);
    };
    const int num_classes = static_cast<int>(classes.size());
    const double pitch = pitch_rate(params);
    const double tempo = tempo_step(params);
    const double truncation = params.truncation;
    const int jitter_frames = jitter_period(params);

    Vectors out;
    out.count = frames + 1;
    out.noise.assign(out.count * kNoiseSize, 0.0);
    out.classes.assign(out.count * kImageNetClasses, 0.0);

    // First class vector: the chroma at the first frame where any pitch class sounds.
    std::int64_t first_sound = 0;
    for (std::int64_t f = 0; f < frames; ++f) {
        bool sounding = false;
        for (int p = 0; p < kPitchClasses; ++p)
            sounding = sounding || chroma(p, f) > 0;
        if (sounding) {
            first_sound = f;
            break;
        }
    }
    if (frames > 0) {
        for (int r = 0; r < num_classes; ++r) {
            const int p = features.chromasort[r];
            const int id = num_classes < kPitchClasses ? classes[r] : classes[p];
            out.classes[id] = chroma(p, first_sound);
        }
    }

    // First noise vector and the direction each unit moves in.
    Random noise_rng(seed, kNoiseStream);
    std::array<double, kNoiseSize> direction{};
    for (int i = 0; i < kNoiseSize; ++i) {
        out.noise[i] = truncation * noise_rng.truncated_normal(-2.0, 2.0);
        direction[i] = out.noise[i] < 0 ? 1.0 : -1.0;
    }

    Random jitter_rng(seed, kJitterStream);
    std::array<double, kNoiseSize> jitter{};
    std::array<double, kNoiseSize> last{};
    for (std::int64_t f = 0; f < frames; ++f) {
        if (f % jitter_frames == 0) {
            for (double& j : jitter)
                j = jitter_rng.uniform() < 0.5 ? 1.0 : 1.0 - params.jitter;
        }
        const double loudness =
            static_cast<double>(features.grad_mean[f]) + static_cast<double>(features.spec_mean[f]);
        const double* previous_noise = out.noise.data() + f * kNoiseSize;
        double* noise = out.noise.data() + (f + 1) * kNoiseSize;
        for (int i = 0; i < kNoiseSize; ++i) {
            double update = tempo * loudness * direction[i] * jitter[i];
            update = (update + 3 * last[i]) / 4;
            last[i] = update;
            noise[i] = previous_noise[i] + update;
            if (noise[i] >= 2 * truncation - tempo)
                direction[i] = -1;
            if (noise[i] < -2 * truncation + tempo)
                direction[i] = 1;
        }

        const double* previous_cv = out.classes.data() + f * kImageNetClasses;
        std::span<double> cv(out.classes.data() + (f + 1) * kImageNetClasses, kImageNetClasses);
        for (int j = 0; j < num_classes; ++j) {
            const int id = classes[j];
            cv[id] =
                (previous_cv[id] + chroma(features.chromasort[j], f) / pitch) / (1 + 1 / pitch);
        }
        normalise_class_vector(cv, classes);
    }

    apply_cues(out.classes, out.count, cues);
    smooth_class_vectors(out.classes, out.count, kImageNetClasses, smooth_window(params));
    return out;
}

void apply_cues(std::vector<double>& rows, std::int64_t count, std::span<const ClassCue> cues) {
    constexpr double kOthers = 0.5;
    for (const auto& cue : cues) {
        if (cue.class_id < 0 || cue.class_id >= kImageNetClasses)
            fail("lyrics cue for class {}, not an ImageNet class", cue.class_id);
        const std::int64_t end = std::min(count, cue.end_frame);
        for (std::int64_t f = std::max<std::int64_t>(0, cue.first_frame); f < end; ++f) {
            double* row = rows.data() + f * kImageNetClasses;
            for (int c = 0; c < kImageNetClasses; ++c)
                row[c] *= kOthers;
            row[cue.class_id] = 1.0;
        }
    }
}

void smooth_class_vectors(std::vector<double>& rows, std::int64_t count, int width, int window) {
    if (window < 2 || count == 0)
        return;
    const std::int64_t windows = (count + window - 1) / window;
    std::vector<double> means(static_cast<std::size_t>(windows * width), 0.0);
    for (std::int64_t k = 0; k < windows; ++k) {
        const std::int64_t begin = k * window;
        const std::int64_t end = std::min(count, begin + window);
        double* mean = means.data() + k * width;
        for (std::int64_t r = begin; r < end; ++r) {
            for (int c = 0; c < width; ++c)
                mean[c] += rows[r * width + c];
        }
        for (int c = 0; c < width; ++c)
            mean[c] /= static_cast<double>(end - begin);
    }
    for (std::int64_t k = 0; k < windows; ++k) {
        const double* from = means.data() + k * width;
        const double* to = means.data() + std::min(k + 1, windows - 1) * width;
        const std::int64_t begin = k * window;
        const std::int64_t end = std::min(count, begin + window);
        for (std::int64_t r = begin; r < end; ++r) {
            const double weight = static_cast<double>(r - begin) / (window - 1);
            for (int c = 0; c < width; ++c)
                rows[r * width + c] = from[c] * (1 - weight) + to[c] * weight;
        }
    }
}

}  // namespace bgv::choreo
