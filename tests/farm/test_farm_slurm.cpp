// A real one-node Slurm (slurmctld, slurmd and munged started by slurm_cluster.sh in a temporary
// folder) runs the render as a job array: `sbatch --array=0-2 --wait`, no --seed. The three tasks
// make one video, identical to a single process's render with the recorded seed.
#include <gtest/gtest.h>

#include "farm_render_support.h"

using namespace bgv::test;

namespace {
const fs::path kClusterScript = fs::path(BGV_TEST_DATA) / "farm/slurm_cluster.sh";

class SlurmCluster : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fresh_temp_dir("farm_slurm_cluster");
        // On failure, everything the script said (it names the step that failed and shows the
        // daemons' logs), so that whoever runs the test learns why.
        const auto started = run_command_separately(
            fmt::format("'{}' start '{}'", kClusterScript.string(), dir_.string()), dir_);
        ASSERT_EQ(started.exit_code, 0) << "slurm_cluster.sh start failed; its standard output:\n"
                                        << started.out << "its standard error:\n"
                                        << started.err;
        conf_ = fmt::format("SLURM_CONF='{}'", (dir_ / "slurm.conf").string());
    }
    void TearDown() override {
        run_command(fmt::format("'{}' stop '{}' 2>&1", kClusterScript.string(), dir_.string()));
    }

    fs::path dir_;
    std::string conf_;
};
}  // namespace

TEST_F(SlurmCluster, AnArrayOfThreeTasksMakesOneVideo) {
    const fs::path dir = fresh_temp_dir("farm_slurm_render");
    const std::string job = bigganviz_line(render_options(dir.string() + "/out.mp4"));
    const auto submitted = run_in(
        dir, fmt::format("{} timeout 120 sbatch --array=0-2 --wait --chdir '{}' -o 'task_%a.log' "
                         "--wrap \"{}\"",
                         conf_, dir.string(), job));
    std::string logs;
    for (int task = 0; task < 3; ++task) {
        const fs::path log = dir / fmt::format("task_{}.log", task);
        logs += fs::exists(log) ? bgv::read_file_text(log) : "(no log)\n";
    }
    // sbatch --wait exits 0 only when every task of the array exited 0.
    ASSERT_EQ(submitted.exit_code, 0) << submitted.output << logs;
    const auto record = saved_record(dir);
    EXPECT_EQ(decoded_frames(dir / "out.mp4"),
              single_process_frames(record.at("seed").get<std::uint64_t>()))
        << logs;
    for (const auto& maker : piece_makers(record))
        EXPECT_TRUE(maker.starts_with("task ")) << maker;
    EXPECT_NE(logs.find("array task"), std::string::npos) << logs;
}
