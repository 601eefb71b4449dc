// Scaling of a shared render on this machine: frames/s of one process with 2 threads against 2 MPI
// ranks with 1 thread each (same song, model and seed; the videos must be identical), then a model
// of N nodes' throughput from the measured per-piece time and the serial part (plan: features and
// vectors; assembly), both read from the shared render's record (saved_vectors/run.json).
//
// Usage: bench_farm [--weights DIR] [--song FILE] [--seconds S] [--frame_length N]
//                   [--segment_frames N] [--ranks R]
// Defaults: the tiny128 test model, 10 s of tests/audio/data/brahms_hungarian_dance_5.ogg at
// frame length 1024 (216 frames) in pieces of 24 frames, 2 ranks. CPU seconds (all processes)
// are printed beside wall seconds: on a shared machine they are the steadier figure.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Timing {
    double wall = 0;
    double cpu = 0;  // user + system of every child process waited for
};

double children_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_CHILDREN, &usage);
    const auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec * 1e-6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

Timing run_timed(const std::string& command) {
    const double cpu_start = children_cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    if (std::system(command.c_str()) != 0) {
        fmt::print(stderr, "bench_farm: failed: {}\n", command);
        std::exit(1);
    }
    return {std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
            children_cpu_seconds() - cpu_start};
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args = {
        {"--weights", std::string(BGV_SOURCE_DIR) + "/tests/model/biggan/data/tiny128"},
        {"--song", std::string(BGV_SOURCE_DIR) + "/tests/audio/data/brahms_hungarian_dance_5.ogg"},
        {"--seconds", "10"},
        {"--frame_length", "1024"},
        {"--segment_frames", "24"},
        {"--ranks", "2"}};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!args.contains(argv[i])) {
            fmt::print(stderr, "bench_farm: unknown option {}\n", argv[i]);
            return 2;
        }
        args[argv[i]] = argv[i + 1];
    }
    const int ranks = std::stoi(args["--ranks"]);
    const fs::path binary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
    const fs::path dir = fs::temp_directory_path() / fmt::format("bench_farm_{}", ::getpid());
    fs::create_directories(dir);
    const std::string options = fmt::format(
        "-s \"{}\" --weights \"{}\" -d {} -fl {} --segment_frames {} --seed 1 -q", args["--song"],
        args["--weights"], args["--seconds"], args["--frame_length"], args["--segment_frames"]);

    const Timing single =
        run_timed(fmt::format("cd '{}/' && mkdir -p single && cd single && '{}' "
                              "{} --threads {} -o out.mp4",
                              dir.string(), binary.string(), options, ranks));
    // Each rank under /usr/bin/time, so that the ranks' CPU is told from mpirun's own.
    const Timing shared = run_timed(fmt::format(
        "cd '{}/' && mkdir -p shared && cd shared && mpirun --allow-run-as-root --oversubscribe "
        "--bind-to none -np {} sh -c 'exec /usr/bin/time -f \"%U %S\" -o "
        "cpu_$OMPI_COMM_WORLD_RANK.txt \"{}\" {} --threads 1 -o out.mp4'",
        dir.string(), ranks, binary.string(), options));
    double ranks_cpu = 0;
    for (int rank = 0; rank < ranks; ++rank) {
        std::ifstream in(dir / fmt::format("shared/cpu_{}.txt", rank));
        double user = 0, system = 0;
        in >> user >> system;
        ranks_cpu += user + system;
    }
    if (read_text(dir / "single/out.mp4") != read_text(dir / "shared/out.mp4")) {
        fmt::print(stderr, "bench_farm: the shared render's video differs from the single one\n");
        return 1;
    }

    const auto record = nlohmann::json::parse(read_text(dir / "shared/saved_vectors/run.json"));
    const auto& pieces = record.at("pieces");
    std::int64_t frames = 0;
    double piece_seconds = 0;
    for (const auto& piece : pieces) {
        frames += piece.at("frames").get<std::int64_t>();
        piece_seconds += piece.at("seconds").get<double>();
    }
    const auto count = static_cast<double>(pieces.size());
    const double per_piece = piece_seconds / count;
    const double plan = record.at("plan_seconds").get<double>();
    const double assembly = record.at("job").at("assembly_seconds").get<double>();
    // Start-up of a process (loading the model, reading the plan) is serial too: what the shared
    // run's wall time holds beyond its pieces, plan and assembly.
    const double pieces_wall = std::ceil(count / ranks) * per_piece;
    const double startup = std::max(0.0, shared.wall - pieces_wall - plan - assembly);
    const double serial = plan + assembly + startup;

    fmt::print("frames {}, pieces {} of {} frames, {} ranks\n", frames, pieces.size(),
               args["--segment_frames"], ranks);
    fmt::print("{:<28} {:>9} {:>9} {:>10} {:>12}\n", "", "wall s", "cpu s", "frames/s",
               "frames/cpu-s");
    fmt::print("{:<28} {:>9.2f} {:>9.2f} {:>10.2f} {:>12.2f}\n",
               fmt::format("1 process x {} threads", ranks), single.wall, single.cpu,
               frames / single.wall, frames / single.cpu);
    fmt::print("{:<28} {:>9.2f} {:>9.2f} {:>10.2f} {:>12.2f}\n",
               fmt::format("{} ranks x 1 thread", ranks), shared.wall, shared.cpu,
               frames / shared.wall, frames / shared.cpu);
    fmt::print("{:<28} {:>9} {:>9.2f} {:>10} {:>12.2f}\n", "  of which the ranks", "", ranks_cpu,
               "", frames / ranks_cpu);
    fmt::print(
        "ranks / single: {:.3f} (wall frames/s), {:.3f} (frames per cpu-s, all), {:.3f} "
        "(frames per cpu-s, ranks only)\n",
        single.wall / shared.wall, single.cpu / shared.cpu, single.cpu / ranks_cpu);
    fmt::print(
        "measured: {:.3f} s per piece in a rank's hands; serial {:.2f} s = plan {:.2f} + "
        "assembly {:.2f} + start-up {:.2f}\n",
        per_piece, serial, plan, assembly, startup);
    fmt::print("model: T(N) = serial + ceil(pieces / ({} N)) x per-piece, N nodes of this kind\n",
               ranks);
    fmt::print("{:>6} {:>10} {:>10} {:>9}\n", "nodes", "T(N) s", "frames/s", "speed-up");
    const double t1 = serial + std::ceil(count / ranks) * per_piece;
    for (const int nodes : {1, 2, 4, 8, 16, 32, 64}) {
        const double t = serial + std::ceil(count / (ranks * nodes)) * per_piece;
        fmt::print("{:>6} {:>10.2f} {:>10.2f} {:>9.2f}\n", nodes, t, frames / t, t1 / t);
    }
    fs::remove_all(dir);
    return 0;
}
