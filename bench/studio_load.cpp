// bench_studio_load: the studio (real `bigganviz studio` on 127.0.0.1, tiny test models) under
// 20 clients for ten minutes while a render runs: request latency (p50, p99, max), errors and the
// studio's memory at the start and end, against a reference measured in the same run (one client,
// no render). Loopback only; bounded by time and by the number of clients.
//
// Usage: bench_studio_load [--seconds S] [--clients N] [--reference_seconds S]
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "studio/studio_process.h"

using namespace bgv::test;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {
struct Options {
    double seconds = 600;
    int clients = 20;
    double reference_seconds = 30;
};

Options parse(int argc, char** argv) {
    Options options;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--seconds")
            options.seconds = std::stod(argv[i + 1]);
        else if (flag == "--clients")
            options.clients = std::clamp(std::stoi(argv[i + 1]), 1, 200);
        else if (flag == "--reference_seconds")
            options.reference_seconds = std::stod(argv[i + 1]);
        else
            throw std::runtime_error("unknown option " + flag);
    }
    return options;
}

// A 60 s mono WAV (22050 Hz, 16 bit) of chords with a beat: long enough that a render of it at
// frame_length 64 (20672 frames) outlasts the load.
std::string long_song() {
    const int rate = 22050;
    const int samples = 60 * rate;
    std::string wav(44 + 2 * static_cast<std::size_t>(samples), '\0');
    const auto put32 = [&](std::size_t at, std::uint32_t v) {
        for (int b = 0; b < 4; ++b)
            wav[at + static_cast<std::size_t>(b)] = static_cast<char>((v >> (8 * b)) & 0xff);
    };
    const auto put16 = [&](std::size_t at, std::uint16_t v) {
        wav[at] = static_cast<char>(v & 0xff);
        wav[at + 1] = static_cast<char>(v >> 8);
    };
    wav.replace(0, 4, "RIFF");
    put32(4, static_cast<std::uint32_t>(wav.size() - 8));
    wav.replace(8, 8, "WAVEfmt ");
    put32(16, 16);
    put16(20, 1);
    put16(22, 1);
    put32(24, rate);
    put32(28, rate * 2);
    put16(32, 2);
    put16(34, 16);
    wav.replace(36, 4, "data");
    put32(40, static_cast<std::uint32_t>(2 * samples));
    const double chords[4][3] = {
        {261.6, 329.6, 392.0}, {220.0, 261.6, 329.6}, {174.6, 220.0, 261.6}, {196.0, 246.9, 293.7}};
    for (int i = 0; i < samples; ++i) {
        const double t = static_cast<double>(i) / rate;
        const auto& chord = chords[static_cast<int>(t / 2) % 4];
        double value = 0;
        for (const double f : chord)
            value += 0.2 * std::sin(2 * M_PI * f * t);
        const double beat = std::fmod(t, 0.5);
        value += 0.5 * std::exp(-beat * 30) * std::sin(2 * M_PI * 60 * beat);
        put16(44 + 2 * static_cast<std::size_t>(i),
              static_cast<std::uint16_t>(
                  static_cast<std::int16_t>(std::clamp(value, -1.0, 1.0) * 32000)));
    }
    return wav;
}

long memory_kb(pid_t pid, const std::string& key) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.starts_with(key + ":"))
            return std::stol(line.substr(key.size() + 1));
    }
    return -1;
}

struct Results {
    std::mutex mutex;
    std::vector<double> latencies;  // seconds
    std::int64_t errors = 0;
    std::vector<std::string> error_samples;
};

// One client: a fixed mix of the page's and a script's requests, in turn, until the deadline.
void run_client(int port, int index, const std::string& song, Clock::time_point deadline,
                Results& results) {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_read_timeout(30, 0);
    const std::vector<std::pair<std::string, httplib::Headers>> requests = {
        {"/api/options", {}},
        {"/api/songs", {}},
        {"/api/renders", {}},
        {"/api/classes?q=dog", {}},
        {"/api/classes/random?n=5", {}},
        {"/api/songs/" + song, {}},
        {"/api/songs/" + song + "/audio", {{"Range", "bytes=0-65535"}}},
        {"/", {}},
        {"/studio.js", {}},
    };
    std::vector<double> latencies;
    std::int64_t errors = 0;
    std::vector<std::string> samples;
    for (std::size_t i = static_cast<std::size_t>(index); Clock::now() < deadline; ++i) {
        const auto& [path, headers] = requests[i % requests.size()];
        const auto start = Clock::now();
        const auto answer = client.Get(path.c_str(), headers);
        latencies.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        if (!answer || answer->status >= 300) {
            ++errors;
            if (samples.size() < 3)
                samples.push_back(
                    path + ": " +
                    (answer ? std::to_string(answer->status) + " " + answer->body.substr(0, 100)
                            : httplib::to_string(answer.error())));
        }
    }
    const std::lock_guard lock(results.mutex);
    results.latencies.insert(results.latencies.end(), latencies.begin(), latencies.end());
    results.errors += errors;
    for (auto& sample : samples)
        results.error_samples.push_back(std::move(sample));
}

// The page's one event stream, read until the deadline.
void run_stream(int port, Clock::time_point deadline, std::atomic<std::int64_t>& events) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(30, 0);
    client.Get("/api/events", [&](const char* data, std::size_t length) {
        events += std::count(data, data + length, '\n') / 2;
        return Clock::now() < deadline;
    });
}

struct Summary {
    std::size_t requests = 0;
    double p50 = 0, p99 = 0, max = 0;
};

Summary summarise(std::vector<double> latencies) {
    Summary summary;
    summary.requests = latencies.size();
    if (latencies.empty())
        return summary;
    std::sort(latencies.begin(), latencies.end());
    const auto at = [&](double q) {
        return latencies[std::min(
            latencies.size() - 1,
            static_cast<std::size_t>(q * static_cast<double>(latencies.size())))];
    };
    summary.p50 = at(0.50);
    summary.p99 = at(0.99);
    summary.max = latencies.back();
    return summary;
}

void load(int port, int clients, const std::string& song, double seconds, bool streams,
          std::atomic<std::int64_t>& events, Results& results) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(seconds));
    std::vector<std::thread> threads;
    for (int i = 0; i < clients; ++i) {
        threads.emplace_back(run_client, port, i, song, deadline, std::ref(results));
        if (streams)
            threads.emplace_back(run_stream, port, deadline, std::ref(events));
    }
    for (auto& thread : threads)
        thread.join();
}
}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    const fs::path dir = fs::temp_directory_path() / fmt::format("bgv_bench_studio_{}", ::getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    StudioProcess studio(dir);
    auto client = studio.client();
    const json song = json_of(upload(client, long_song(), "long.wav"));
    const std::string id = song.at("id");
    fmt::print("studio on 127.0.0.1:{} (pid {}), song {} ({:.0f} s)\n", studio.port(), studio.pid(),
               id, song.at("duration").get<double>());

    std::atomic<std::int64_t> events = 0;
    Results idle;
    load(studio.port(), 1, id, options.reference_seconds, false, events, idle);
    const Summary reference = summarise(idle.latencies);
    fmt::print(
        "reference, 1 client, no render, {:.0f} s: {} requests, p50 {:.2f} ms, p99 {:.2f} "
        "ms, max {:.1f} ms\n",
        options.reference_seconds, reference.requests, 1e3 * reference.p50, 1e3 * reference.p99,
        1e3 * reference.max);

    const json render_options = {
        {"frame_length", 64}, {"seed", 1}, {"batch_size", 4}, {"segment_frames", 256}};
    const std::string render =
        json_of(post_json(client, "/api/renders", {{"song", id}, {"options", render_options}}))
            .at("id");
    // Loaded once the render runs: its first progress event.
    follow_render(client, render, [](const json& job) { return job.at("frames_done") == 0; });
    const long rss_start = memory_kb(studio.pid(), "VmRSS");
    const auto started = Clock::now();
    // The studio's memory every tenth of the run, to show whether it grows.
    std::vector<long> rss_samples;
    std::atomic<bool> loaded = true;
    std::thread sampler([&] {
        for (int i = 1; i < 10 && loaded; ++i) {
            const auto until =
                started + std::chrono::duration_cast<Clock::duration>(
                              std::chrono::duration<double>(options.seconds * i / 10));
            while (loaded && Clock::now() < until)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            rss_samples.push_back(memory_kb(studio.pid(), "VmRSS") / 1024);
        }
    });
    Results results;
    load(studio.port(), options.clients, id, options.seconds, true, events, results);
    loaded = false;
    sampler.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const long rss_end = memory_kb(studio.pid(), "VmRSS");
    const json job = json_of(client.Get(("/api/renders/" + render).c_str()));
    const Summary under_load = summarise(results.latencies);

    fmt::print(
        "load, {} clients (each also holding GET /api/events), {:.0f} s, render {} "
        "({} of {} frames done at the end, {:.1f} frames/s):\n",
        options.clients, elapsed, job.at("state").get<std::string>(),
        job.at("frames_done").get<std::int64_t>(), job.at("frames_total").get<std::int64_t>(),
        job.value("rate", 0.0));
    fmt::print("  {} requests ({:.0f}/s), {} errors, {} events received\n", under_load.requests,
               static_cast<double>(under_load.requests) / elapsed, results.errors, events.load());
    for (const auto& sample : results.error_samples)
        fmt::print("  error: {}\n", sample);
    fmt::print("  latency p50 {:.2f} ms, p99 {:.2f} ms, max {:.1f} ms\n", 1e3 * under_load.p50,
               1e3 * under_load.p99, 1e3 * under_load.max);
    fmt::print("  ratio to the reference: p50 {:.1f}x, p99 {:.1f}x\n",
               under_load.p50 / reference.p50, under_load.p99 / reference.p99);
    fmt::print(
        "  studio RSS: {} MB at the start, {} MB at the end (peak {} MB); every tenth of "
        "the run: {} MB\n",
        rss_start / 1024, rss_end / 1024, memory_kb(studio.pid(), "VmHWM") / 1024,
        fmt::join(rss_samples, ", "));

    client.Post(("/api/renders/" + render + "/cancel").c_str());
    wait_for_render(client, render);
    studio.stop(SIGTERM);
    fs::remove_all(dir);
    return results.errors == 0 ? 0 : 1;
}
