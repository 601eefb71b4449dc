#include "live_log_analysis.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>
#include <string>

#include "core/assert.h"
#include "core/error.h"
#include "features/mel.h"

namespace bgv::bench {

namespace {
constexpr double kSampleRate = 22050;
constexpr double kWindowSeconds = features::kMelFftSize / kSampleRate;

// Σ over the clicks inside the row's analysis window of w², w the periodic Hann window at the
// click: the power the clicks give the row, for a click of power 1 at the window's centre.
double modelled_power(const LoggedFrame& row, const ClickTimes& clicks, double offset) {
    const double start = row.audio_time - kWindowSeconds / 2;
    const auto first = std::lower_bound(clicks.begin(), clicks.end(), start - offset);
    double power = 0;
    for (auto click = first; click != clicks.end() && *click + offset < start + kWindowSeconds;
         ++click) {
        const double x = (*click + offset - start) / kWindowSeconds;
        const double w = std::pow(std::sin(std::numbers::pi * x), 2);
        power += w * w;
    }
    return power;
}

double correlation(const std::vector<LoggedFrame>& rows, const ClickTimes& clicks, double offset) {
    double sm = 0, sp = 0, smm = 0, spp = 0, smp = 0;
    for (const LoggedFrame& row : rows) {
        const double m = modelled_power(row, clicks, offset);
        sm += m;
        sp += row.power;
        smm += m * m;
        spp += row.power * row.power;
        smp += m * row.power;
    }
    const auto n = static_cast<double>(rows.size());
    const double vm = smm - sm * sm / n, vp = spp - sp * sp / n;
    return vm > 0 && vp > 0 ? (smp - sm * sp / n) / std::sqrt(vm * vp) : -1;
}
}  // namespace

std::vector<LoggedFrame> read_frame_log(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    if (!std::getline(in, line) ||
        line != "frame,audio_time,shown_time,latency_ms,beat,tempo,power")
        fail("{}: expected a frame log's header, found '{}'", path.string(), line);
    std::vector<LoggedFrame> rows;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        LoggedFrame row;
        char comma = 0;
        int beat = 0;
        fields >> row.frame >> comma >> row.audio_time >> comma >> row.shown_time >> comma >>
            row.latency_ms >> comma >> beat >> comma >> row.tempo >> comma >> row.power;
        if (!fields)
            fail("{}: a frame log row expected, found '{}'", path.string(), line);
        row.beat = beat != 0;
        rows.push_back(row);
    }
    return rows;
}

double newest_input_second(const LoggedFrame& row) {
    return row.audio_time + kWindowSeconds / 2;
}

double heard_at(const std::vector<LoggedFrame>& rows, double input) {
    BGV_ASSERT(!rows.empty(), "no rows");
    const auto nearest =
        std::min_element(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
            return std::abs(newest_input_second(a) - input) <
                   std::abs(newest_input_second(b) - input);
        });
    return nearest->shown_time - nearest->latency_ms / 1000 +
           (input - newest_input_second(*nearest));
}

ClickAlignment align_clicks(const std::vector<LoggedFrame>& rows, const ClickTimes& clicks) {
    BGV_ASSERT(!rows.empty() && !clicks.empty(), "nothing to align");
    // Every offset that puts at least one click inside the logged input.
    const double lowest = rows.front().audio_time - clicks.back() - kWindowSeconds;
    const double highest = rows.back().audio_time - clicks.front() + kWindowSeconds;
    ClickAlignment best{.offset = lowest, .correlation = -2};
    const auto search = [&](double from, double to, double step) {
        for (double offset = from; offset <= to; offset += step) {
            if (const double r = correlation(rows, clicks, offset); r > best.correlation)
                best = {offset, r, 0};
        }
    };
    search(lowest, highest, 0.005);
    search(best.offset - 0.005, best.offset + 0.005, 0.00005);
    double mp = 0, mm = 0;
    for (const LoggedFrame& row : rows) {
        const double m = modelled_power(row, clicks, best.offset);
        mp += m * row.power;
        mm += m * m;
    }
    best.click_power = mm > 0 ? mp / mm : 0;
    return best;
}

ClickLatencies click_latencies(const std::vector<LoggedFrame>& rows, const ClickTimes& clicks,
                               double threshold) {
    ClickLatencies result;
    for (std::size_t k = 0; k < clicks.size(); ++k) {
        const double next = k + 1 < clicks.size() ? clicks[k + 1] : 1e300;
        const auto reacting = std::find_if(rows.begin(), rows.end(), [&](const LoggedFrame& row) {
            const double newest = newest_input_second(row);
            return newest > clicks[k] && newest < next && row.power >= threshold;
        });
        if (reacting == rows.end()) {
            ++result.missed;
            continue;
        }
        // Heard at shown_time - latency (for its newest sample) less the samples after the click.
        const double heard = reacting->shown_time - reacting->latency_ms / 1000 -
                             (newest_input_second(*reacting) - clicks[k]);
        result.seconds.push_back(reacting->shown_time - heard);
        result.analysis_seconds.push_back(newest_input_second(*reacting) - clicks[k]);
        result.frame_seconds.push_back(reacting->latency_ms / 1000);
    }
    return result;
}

KickOffsets kick_offsets(const std::vector<LoggedFrame>& rows, const ClickTimes& beats,
                         double period) {
    KickOffsets result;
    std::vector<double> kicks;
    for (const LoggedFrame& row : rows) {
        if (row.beat)
            kicks.push_back(row.shown_time);
    }
    std::vector<bool> matched(kicks.size(), false);
    for (const double beat : beats) {
        const double heard = heard_at(rows, beat);
        const auto nearest = std::min_element(kicks.begin(), kicks.end(), [&](double a, double b) {
            return std::abs(a - heard) < std::abs(b - heard);
        });
        if (nearest == kicks.end() || std::abs(*nearest - heard) >= period / 2) {
            ++result.missed;
            continue;
        }
        matched[static_cast<std::size_t>(nearest - kicks.begin())] = true;
        result.seconds.push_back(*nearest - heard);
    }
    // Kicks within the beats' span that no beat claimed.
    const double from = beats.empty() ? 0 : heard_at(rows, beats.front()) - period / 2;
    const double to = beats.empty() ? 0 : heard_at(rows, beats.back()) + period / 2;
    for (std::size_t i = 0; i < kicks.size(); ++i) {
        if (!matched[i] && kicks[i] >= from && kicks[i] <= to)
            ++result.extra;
    }
    return result;
}

}  // namespace bgv::bench
