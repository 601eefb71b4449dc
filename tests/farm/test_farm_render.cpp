// One render shared among processes: real mpirun ranks and Slurm-array-like tasks make a video
// identical, frame for frame, to a single process's; a rank killed part-way is made good by a
// relaunch with another number of ranks.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

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

// Starts the shell line `line` in `dir`, each bigganviz process of it holding once it has finished
// `pieces` pieces (the test hold of render/hooks.h) until `release` exists (or it is stopped). Its
// output comes back as it is written; its pid is the shell's, or the command's for "exec ...".
std::unique_ptr<RunningCommand> start_held(const fs::path& dir, const std::string& line, int pieces,
                                           const fs::path& release = {}) {
    return std::make_unique<RunningCommand>(
        fmt::format("cd '{}' && export BIGGANVIZ_TEST_HOLD_AFTER_PIECES={} "
                    "BIGGANVIZ_TEST_RELEASE_FILE='{}' && {{ {}; }}",
                    dir.string(), pieces, release.string(), line));
}

constexpr const char* kHeld = "bigganviz: test hold after 1 pieces";

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

}  // namespace

TEST(FarmRender, ThreeMpiRanksMakeTheSingleProcessVideo) {
    const fs::path dir = fresh_temp_dir("farm_mpi3");
    // Each rank holds once it has finished a piece, until all three have: all take part.
    const auto job =
        start_held(dir, "exec " + mpirun(3, render_options() + " --seed 5"), 1, dir / "go");
    const bool all_held = job->wait_for(kHeld, 3);
    bgv::write_file_atomic(dir / "go", "");
    ASSERT_EQ(job->finish(), 0) << job->output();
    ASSERT_TRUE(all_held) << job->output();
    EXPECT_EQ(decoded_frames(dir / "out.mp4"), single_process_frames(5));
    EXPECT_FALSE(fs::exists(dir / "out.mp4.partial"));
    const auto record = saved_record(dir);
    EXPECT_EQ(piece_makers(record), (std::set<std::string>{"rank 0", "rank 1", "rank 2"}))
        << record.at("pieces").dump();
    EXPECT_EQ(record.at("job").at("processes"), 3);
}

TEST(FarmRender, ARankKilledPartWayThenTwoRanksFinishTheSameVideo) {
    const fs::path dir = fresh_temp_dir("farm_mpi_kill");
    const std::string options = render_options() + " --seed 6";
    // Every rank holds once it has finished a piece: three of the nine are finished when one rank
    // dies by a real SIGKILL (no clean-up runs); mpirun then ends the job.
    const auto first = start_held(dir, "exec " + mpirun(3, options), 1);
    const bool all_held = first->wait_for(kHeld, 3);
    const auto ranks = children_of(first->pid());
    ASSERT_TRUE(all_held) << first->output();
    ASSERT_EQ(ranks.size(), 3U) << first->output();
    ASSERT_EQ(::kill(ranks.front(), SIGKILL), 0);
    EXPECT_NE(first->finish(), 0);
    ASSERT_FALSE(fs::exists(dir / "out.mp4")) << first->output();
    ASSERT_TRUE(fs::exists(dir / "out.mp4.partial"));

    const auto second = run_in(dir, mpirun(2, options));
    ASSERT_EQ(second.exit_code, 0) << second.output;
    EXPECT_EQ(decoded_frames(dir / "out.mp4"), single_process_frames(6));
    piece_makers(saved_record(dir));
}

TEST(FarmRender, ThreeArrayTasksStartedTogetherWithoutSeedMakeOneVideo) {
    const fs::path dir = fresh_temp_dir("farm_array");
    // Three processes at the same instant, as Slurm starts an array's tasks; no --seed. Each
    // holds once it has finished a piece, until all three have.
    std::string line;
    for (int task = 0; task < 3; ++task) {
        line += fmt::format(
            "( SLURM_ARRAY_TASK_ID={} SLURM_ARRAY_TASK_COUNT=3 {} 2>&1; echo $? > task{}.rc ) | "
            "tee task{}.log & ",
            task, bigganviz_line(render_options()), task, task);
    }
    line += "wait";
    const auto job = start_held(dir, line, 1, dir / "go");
    const bool all_held = job->wait_for(kHeld, 3);
    bgv::write_file_atomic(dir / "go", "");
    job->finish();
    ASSERT_TRUE(all_held) << job->output();
    for (int task = 0; task < 3; ++task) {
        EXPECT_EQ(bgv::read_file_text(dir / fmt::format("task{}.rc", task)), "0\n")
            << bgv::read_file_text(dir / fmt::format("task{}.log", task));
    }
    const auto record = saved_record(dir);
    const auto seed = record.at("seed").get<std::uint64_t>();
    EXPECT_EQ(decoded_frames(dir / "out.mp4"), single_process_frames(seed));
    EXPECT_EQ(piece_makers(record), (std::set<std::string>{"task 0", "task 1", "task 2"}));
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
    // Shard 0 of 2 makes the plan, finishes a piece and holds, then dies (SIGKILL) with the plan
    // in the folder.
    const auto first =
        start_held(dir, "exec " + bigganviz_line(render_options() + " --seed 7 --shard 0/2"), 1);
    const bool held = first->wait_for(kHeld);
    ::kill(first->pid(), SIGKILL);
    first->finish();
    ASSERT_TRUE(held) << first->output();
    ASSERT_TRUE(fs::exists(dir / "out.mp4.partial/plan.json")) << first->output();

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
