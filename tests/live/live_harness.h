// Live tests' support: the sound server and screen of live_harness.sh started for one test
// program (its environment set in this process, so libpulse and SDL find them), and the
// alignment of a captured sound with the sound that was played.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"

namespace bgv::test {

inline const std::filesystem::path kLiveData = std::filesystem::path(BGV_TEST_DATA) / "live/data";

// Starts live_harness.sh with `parts` ("audio", "screen", "audio screen") in a fresh folder and
// sets the variables it prints (PULSE_SERVER, BGV_TEST_SINK, DISPLAY) in this process; stops it
// when destroyed.
class LiveHarness {
  public:
    explicit LiveHarness(const std::string& parts) {
        dir_ = fresh_temp_dir("live_harness");
        // The watchdog stops the servers if this program dies before its destructor runs. The
        // script's own waits add up to under two minutes; `timeout` bounds anything else.
        const auto started =
            run_command(fmt::format("BGV_HARNESS_OWNER={} timeout 180 '{}' start '{}' {} 2>&1",
                                    ::getpid(), script().string(), dir_.string(), parts));
        started_ = started.exit_code == 0;
        output_ = started.output;
        std::istringstream lines(started.output);
        for (std::string line; std::getline(lines, line);) {
            const auto equals = line.find('=');
            if (equals != std::string::npos && equals > 0)
                ::setenv(line.substr(0, equals).c_str(), line.substr(equals + 1).c_str(), 1);
        }
    }
    ~LiveHarness() {
        run_command(fmt::format("'{}' stop '{}' 2>&1", script().string(), dir_.string()));
    }
    LiveHarness(const LiveHarness&) = delete;
    LiveHarness& operator=(const LiveHarness&) = delete;

    bool started() const { return started_; }
    const std::string& output() const { return output_; }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    static std::filesystem::path script() {
        return std::filesystem::path(BGV_TEST_DATA) / "live/live_harness.sh";
    }
    std::filesystem::path dir_;
    bool started_ = false;
    std::string output_;
};

// A shell command run on its own thread (paplay playing, ffmpeg receiving), so that the test goes
// on while it runs; the destructor waits for it to end.
class BackgroundCommand {
  public:
    explicit BackgroundCommand(std::string command) {
        thread_ = std::thread([this, command = std::move(command)] {
            result_ = run_command(command);
            done_ = true;
        });
    }
    ~BackgroundCommand() { thread_.join(); }
    BackgroundCommand(const BackgroundCommand&) = delete;
    BackgroundCommand& operator=(const BackgroundCommand&) = delete;

    bool done() const { return done_; }
    // Once done().
    const CommandResult& result() const { return result_; }

  private:
    std::thread thread_;
    std::atomic<bool> done_{false};
    CommandResult result_;
};

// Where `reference` best matches inside `signal` and how well: the normalised correlation
// Σ r[i]·s[lag+i] / (‖r‖ · ‖s[lag, lag+n)‖), 1 for a copy at any gain, over every lag that keeps
// the whole reference inside the signal.
struct Alignment {
    std::int64_t lag = -1;
    double correlation = 0;
};

inline double correlation_at(std::span<const float> reference, std::span<const float> signal,
                             std::int64_t lag) {
    double dot = 0, rr = 0, ss = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        const double r = reference[i];
        const double s = signal[static_cast<std::size_t>(lag) + i];
        dot += r * s;
        rr += r * r;
        ss += s * s;
    }
    return rr > 0 && ss > 0 ? dot / std::sqrt(rr * ss) : 0.0;
}

// Coarse search on 64-sample energy envelopes over every lag, then every lag within two bins of
// the best coarse one on the samples themselves.
inline Alignment best_alignment(std::span<const float> reference, std::span<const float> signal) {
    if (reference.empty() || signal.size() < reference.size())
        return {};
    constexpr std::size_t kBin = 64;
    const auto envelope = [](std::span<const float> x) {
        std::vector<float> e(x.size() / kBin);
        for (std::size_t b = 0; b < e.size(); ++b) {
            double sum = 0;
            for (std::size_t i = 0; i < kBin; ++i)
                sum += static_cast<double>(x[b * kBin + i]) * x[b * kBin + i];
            e[b] = static_cast<float>(std::sqrt(sum / kBin));
        }
        return e;
    };
    const std::vector<float> re = envelope(reference);
    const std::vector<float> se = envelope(signal);
    std::int64_t coarse = 0;
    double best = -2;
    for (std::size_t lag = 0; lag + re.size() <= se.size(); ++lag) {
        const double c = correlation_at(re, se, static_cast<std::int64_t>(lag));
        if (c > best) {
            best = c;
            coarse = static_cast<std::int64_t>(lag);
        }
    }
    Alignment alignment;
    alignment.correlation = -2;
    const auto last = static_cast<std::int64_t>(signal.size() - reference.size());
    const auto from = std::max<std::int64_t>(0, (coarse - 2) * static_cast<std::int64_t>(kBin));
    const auto to = std::min<std::int64_t>(last, (coarse + 2) * static_cast<std::int64_t>(kBin));
    for (std::int64_t lag = from; lag <= to; ++lag) {
        const double c = correlation_at(reference, signal, lag);
        if (c > alignment.correlation)
            alignment = {lag, c};
    }
    return alignment;
}

}  // namespace bgv::test
