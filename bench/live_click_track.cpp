#include "live_click_track.h"

#include <cmath>
#include <random>

#include "audio/wav_writer.h"

namespace bgv::bench {

namespace {
constexpr int kRate = 44100;
constexpr double kClickSeconds = 0.010;
constexpr double kDecaySeconds = 0.0015;
constexpr double kPeak = 0.7;
}  // namespace

ClickTimes irregular_clicks(double start, double end, double shortest, double longest,
                            std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> gap(shortest, longest);
    ClickTimes clicks;
    for (double t = start; t < end; t += gap(random))
        clicks.push_back(t);
    return clicks;
}

ClickTimes steady_clicks(double start, double end, double bpm) {
    ClickTimes clicks;
    const double period = 60.0 / bpm;
    for (int k = 0; start + k * period < end; ++k)
        clicks.push_back(start + k * period);
    return clicks;
}

void write_click_track(const std::filesystem::path& path, const ClickTimes& clicks,
                       double seconds) {
    std::vector<std::int16_t> samples(static_cast<std::size_t>(std::lround(seconds * kRate)), 0);
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> noise(-1.0, 1.0);
    const auto length = static_cast<std::size_t>(std::lround(kClickSeconds * kRate));
    for (const double click : clicks) {
        const auto first = static_cast<std::size_t>(std::lround(click * kRate));
        for (std::size_t i = 0; i < length && first + i < samples.size(); ++i) {
            const double envelope =
                kPeak * std::exp(-static_cast<double>(i) / kRate / kDecaySeconds);
            samples[first + i] =
                static_cast<std::int16_t>(std::lround(32767 * envelope * noise(random)));
        }
    }
    audio::test::write_wav16(path, kRate, 1, samples);
}

}  // namespace bgv::bench
