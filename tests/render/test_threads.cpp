// --threads holds for the whole render: a `--threads 1` render of the full-size 128 px model
// (where the generator's work dominates) uses at most 1.1 CPU seconds per second of wall time,
// measured with getrusage on the child process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "core/file.h"
#include "render_test_support.h"
#include "seeded_model.h"

extern char** environ;

using namespace bgv::test;

namespace {

const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";

struct Usage {
    int status = -1;
    double wall = 0, cpu = 0;
};

// Runs bigganviz with `arguments` in `dir` (output and errors to files there): wait status,
// wall time and the child's user + system CPU time.
Usage run_measured(const fs::path& dir, std::vector<std::string> arguments) {
    arguments.insert(arguments.begin(), kBinary.string());
    std::vector<char*> argv;
    for (auto& a : arguments)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addchdir_np(&files, dir.c_str());  // saved_vectors/ goes there
    posix_spawn_file_actions_addopen(&files, 2, (dir / "stderr.txt").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    Usage usage;
    const auto start = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawn(&pid, kBinary.c_str(), &files, nullptr, argv.data(), environ) != 0)
        return usage;
    posix_spawn_file_actions_destroy(&files);
    rusage r{};
    if (::wait4(pid, &usage.status, 0, &r) != pid)
        return usage;
    usage.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto seconds = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec * 1e-6; };
    usage.cpu = seconds(r.ru_utime) + seconds(r.ru_stime);
    return usage;
}

}  // namespace

TEST(RenderThreads, OneThreadMeansOneCore) {
    const auto dir = fresh_dir("threads");
    write_model_folder(fullsize_model(128), dir / "model");
    // 4096 samples per frame, 2 s of song: 11 frames of the 128 px model (~0.2 s each).
    const auto usage =
        run_measured(dir, {"-s", (render_data() / "chords_3s.wav").string(), "--weights",
                           (dir / "model").string(), "-fl", "4096", "-d", "2", "--seed", "1",
                           "--threads", "1", "-o", (dir / "out.mp4").string()});
    ASSERT_TRUE(WIFEXITED(usage.status) && WEXITSTATUS(usage.status) == 0)
        << bgv::read_file_text(dir / "stderr.txt");
    const double ratio = usage.cpu / usage.wall;
    std::printf("--threads 1: %.2f s CPU in %.2f s wall: %.2f\n", usage.cpu, usage.wall, ratio);
    EXPECT_LE(ratio, 1.1);
    fs::remove_all(dir);
}
