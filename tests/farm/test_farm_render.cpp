// One render shared among processes: real mpirun ranks and Slurm-array-like tasks make a video
// identical, frame for frame, to a single process's; a rank killed part-way is made good by a
// relaunch with another number of ranks.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

#include "farm_render_support.h"

using namespace bgv::test;

namespace {
// ASAN_OPTIONS: in the sanitizer build, OpenMPI's components (dlopened, then closed, so their
// frames cannot even be named) leave allocations at MPI_Finalize that LeakSanitizer reports; the
// same render code is leak-checked by the single-process tests. No effect on other builds.
std::string mpirun(int ranks, const std::string& arguments) {
    return fmt::format(
        "env ASAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe --bind-to none "
        "-np {} {}",
        ranks, bigganviz_line(arguments));
}

// Starts `line` with /bin/sh in the background; its pid is the shell's, which execs the line's
// last command.
pid_t start_in(const fs::path& dir, const std::string& line) {
    const std::string command = fmt::format("cd '{}' && exec {}", dir.string(), line);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

// The processes whose parent is `parent` (from /proc).
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> children;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string name = entry.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::ifstream stat(entry.path() / "stat");
        std::string text((std::istreambuf_iterator<char>(stat)), {});
        const auto close = text.rfind(')');  // the command name may hold spaces
        if (close == std::string::npos)
            continue;
        std::istringstream rest(text.substr(close + 2));
        char state;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent)
            children.push_back(std::stoi(name));
    }
    return children;
}

std::size_t reports_in(const fs::path& claims) {
    std::size_t count = 0;
    std::error_code ignored;
    for (const auto& entry : fs::directory_iterator(claims, ignored))
        count += entry.path().extension() == ".json" ? 1 : 0;
    return count;
}

int wait_exit_code(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
}  // namespace

TEST(FarmRender, ThreeMpiRanksMakeTheSingleProcessVideo) {
    const fs::path dir = fresh_temp_dir("farm_mpi3");
    const auto result = run_in(dir, mpirun(3, render_options() + " --seed 5"));
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(decoded_frames(dir / "out.mp4"), single_process_frames(5));
    EXPECT_FALSE(fs::exists(dir / "out.mp4.partial"));
    const auto record = saved_record(dir);
    const auto makers = piece_makers(record);
    EXPECT_GE(makers.size(), 2U) << "only one rank rendered: " << record.at("pieces").dump();
    for (const auto& maker : makers)
        EXPECT_TRUE(maker.starts_with("rank ")) << maker;
    EXPECT_EQ(record.at("job").at("processes"), 3);
}

TEST(FarmRender, ARankKilledPartWayThenTwoRanksFinishTheSameVideo) {
    const fs::path dir = fresh_temp_dir("farm_mpi_kill");
    // About 520 frames in 260 pieces: far more than the two finished before the kill, so mpirun
    // ends the job (it takes a second or two) before the other ranks could finish it.
    const std::string options = render_options("out.mp4", 128) + " --seed 6";
    const pid_t mpirun_pid = start_in(dir, mpirun(3, options) + " > first.log 2>&1");
    // Once two pieces are finished, one rank dies by a real SIGKILL (no clean-up runs); mpirun
    // then ends the job.
    const fs::path claims = dir / "out.mp4.partial/claims";
    for (int wait = 0; wait < 1200 && reports_in(claims) < 2; ++wait)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto ranks = children_of(mpirun_pid);
    ASSERT_EQ(ranks.size(), 3U) << bgv::read_file_text(dir / "first.log");
    ASSERT_EQ(::kill(ranks.front(), SIGKILL), 0);
    EXPECT_NE(wait_exit_code(mpirun_pid), 0);
    ASSERT_FALSE(fs::exists(dir / "out.mp4")) << bgv::read_file_text(dir / "first.log");
    ASSERT_TRUE(fs::exists(dir / "out.mp4.partial"));

    const auto second = run_in(dir, mpirun(2, options));
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(decoded_frames(dir / "out.mp4"), single_process_frames(6, 128));
    piece_makers(saved_record(dir), 259);  // the song's 517 frames at -fl 128, 2 to a piece
}

TEST(FarmRender, ThreeArrayTasksStartedTogetherWithoutSeedMakeOneVideo) {
    const fs::path dir = fresh_temp_dir("farm_array");
    // Three processes at the same instant, as Slurm starts an array's tasks; no --seed.
    std::string line;
    for (int task = 0; task < 3; ++task) {
        line += fmt::format(
            "( SLURM_ARRAY_TASK_ID={} SLURM_ARRAY_TASK_COUNT=3 {} > task{}.log 2>&1; "
            "echo $? > task{}.rc ) & ",
            task, bigganviz_line(render_options()), task, task);
    }
    line += "wait";
    run_in(dir, line);
    for (int task = 0; task < 3; ++task) {
        EXPECT_EQ(bgv::read_file_text(dir / fmt::format("task{}.rc", task)), "0\n")
            << bgv::read_file_text(dir / fmt::format("task{}.log", task));
    }
    const auto record = saved_record(dir);
    const auto seed = record.at("seed").get<std::uint64_t>();
    EXPECT_EQ(decoded_frames(dir / "out.mp4"), single_process_frames(seed));
    EXPECT_GE(piece_makers(record).size(), 2U);
    // The seed was drawn once: one process said it drew one.
    int drawn = 0;
    for (int task = 0; task < 3; ++task) {
        const auto log = bgv::read_file_text(dir / fmt::format("task{}.log", task));
        drawn += log.find("pass --seed") != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(drawn, 1);
}

TEST(FarmRender, AFolderHoldingAnotherRendersPlanIsRefusedInOneLine) {
    const fs::path dir = fresh_temp_dir("farm_other_plan");
    // Shard 0 of 2 makes the plan, then dies (SIGKILL) with the plan in the folder.
    const pid_t first = start_in(
        dir, bigganviz_line(render_options() + " --seed 7 --shard 0/2") + " > first.log 2>&1");
    const fs::path plan = dir / "out.mp4.partial/plan.json";
    for (int wait = 0; wait < 1200 && !fs::exists(plan); ++wait)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(first, SIGKILL);
    wait_exit_code(first);
    ASSERT_TRUE(fs::exists(plan)) << bgv::read_file_text(dir / "first.log");

    // Shard 1 of the same job, but asking for another seed.
    const auto other = run_in(dir, bigganviz_line(render_options() + " --seed 8 --shard 1/2 -q"));
    EXPECT_EQ(other.exit_code, 1);
    EXPECT_NE(other.output.find("out.mp4.partial holds the plan of another render (seed changed "
                                "(was 7, now 8)): remove it or choose another output"),
              std::string::npos)
        << other.output;
    EXPECT_EQ(std::count(other.output.begin(), other.output.end(), '\n'), 1) << other.output;
}

TEST(FarmRender, AnUnreachableSharedFolderStopsInOneLine) {
    const fs::path dir = fresh_temp_dir("farm_unreachable");
    const auto result = run_in(
        dir, bigganviz_line(render_options("/proc/no_such_folder/out.mp4") + " --shard 0/2 -q"));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.output.find("/proc/no_such_folder/out.mp4.partial: cannot reach the shared "
                                 "folder"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1) << result.output;
}
