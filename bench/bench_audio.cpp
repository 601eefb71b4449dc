// Decoding and resampling a 3-minute song: audio::load_mono (FFmpeg decode, mono mix, soxr HQ to
// 22050 Hz) against the ffmpeg command line doing the same job (decode, mix, soxr at 20 bits), on
// a 44.1 kHz stereo FLAC and an MP3 made by looping the test fixture.
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <vector>

#include "audio/decode.h"
#include "audio/load.h"
#include "resample/soxr_hq.h"

namespace {

namespace fs = std::filesystem;

struct Timing {
    double wall = 0;  // seconds
    double cpu = 0;   // user + system seconds of this process and the children it waited for
};

double cpu_seconds() {
    double total = 0;
    for (const int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
        rusage usage{};
        getrusage(who, &usage);
        total += static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
    }
    return total;
}

// Median of `repeats` runs, wall clock and CPU time separately (CPU time is the steadier of the
// two on a shared machine).
Timing median_timing(const std::function<void()>& body, int repeats = 3) {
    std::vector<double> walls, cpus;
    for (int i = 0; i < repeats; ++i) {
        const double cpu_start = cpu_seconds();
        const auto start = std::chrono::steady_clock::now();
        body();
        walls.push_back(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpus.push_back(cpu_seconds() - cpu_start);
    }
    std::sort(walls.begin(), walls.end());
    std::sort(cpus.begin(), cpus.end());
    return {walls[walls.size() / 2], cpus[cpus.size() / 2]};
}

bool run_shell(const std::string& command) {
    return std::system(command.c_str()) == 0;
}

}  // namespace

int main() {
    const fs::path fixture =
        fs::path(BGV_SOURCE_DIR) / "tests" / "audio" / "data" / "stereo_sweep_noise_44k.flac";
    const fs::path dir =
        fs::temp_directory_path() / ("bgv_bench_audio_" + std::to_string(getpid()));
    fs::create_directories(dir);
    // 30 loops of the 6 s fixture: 3 minutes at 44.1 kHz, stereo.
    const fs::path flac = dir / "song.flac";
    const fs::path mp3 = dir / "song.mp3";
    if (!run_shell(fmt::format("ffmpeg -v error -y -stream_loop 29 -i '{}' -c:a flac '{}'",
                               fixture.string(), flac.string())) ||
        !run_shell(fmt::format("ffmpeg -v error -y -i '{}' -c:a libmp3lame -b:a 192k '{}'",
                               flac.string(), mp3.string()))) {
        fmt::print(stderr, "bench_audio: ffmpeg could not make the test songs\n");
        fs::remove_all(dir);
        return 1;
    }

    fmt::print(
        "3-minute song, 44.1 kHz stereo -> 22050 Hz mono (median of 3 runs; the machine "
        "may be shared, so timings are noisy)\n");
    for (const fs::path& song : {flac, mp3}) {
        bgv::audio::NativeAudio native;
        const Timing decode = median_timing([&] { native = bgv::audio::decode_native(song); });
        const Timing resample =
            median_timing([&] { bgv::resample::resample(native.mono, native.sample_rate, 22050); });
        std::size_t samples = 0;
        const Timing load =
            median_timing([&] { samples = bgv::audio::load_mono(song).samples.size(); });
        const Timing reference = median_timing([&] {
            run_shell(
                fmt::format("ffmpeg -v error -y -threads 1 -i '{}' -ac 1 -af "
                            "aresample=resampler=soxr:precision=20 -ar 22050 -f f32le "
                            "/dev/null",
                            song.string()));
        });
        fmt::print(
            "{:>5}: decode+mix {:.3f} s (CPU {:.3f}), resample {:.3f} s (CPU {:.3f})\n"
            "       load_mono {:.3f} s (CPU {:.3f}), {} samples, {:.0f}x real time\n"
            "       ffmpeg CLI {:.3f} s (CPU {:.3f}); load_mono / ffmpeg: wall {:.2f}, "
            "CPU {:.2f}\n",
            song.extension().string().substr(1), decode.wall, decode.cpu, resample.wall,
            resample.cpu, load.wall, load.cpu, samples, 180.0 / load.wall, reference.wall,
            reference.cpu, load.wall / reference.wall, load.cpu / reference.cpu);
    }
    fs::remove_all(dir);
    return 0;
}
