// farm/launch: which launcher started this process, from its environment and --shard.
#include <gtest/gtest.h>

#include <map>

#include "core/error.h"
#include "farm/launch.h"

using namespace bgv::farm;

namespace {
Environment environment_of(std::map<std::string, std::string> variables) {
    return [variables](const char* name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        if (found == variables.end())
            return std::nullopt;
        return found->second;
    };
}
}  // namespace

TEST(FarmLaunch, NothingSetIsOneProcess) {
    const Launch launch = detect_launch(std::nullopt, environment_of({}));
    EXPECT_EQ(launch.launcher, Launcher::single);
    EXPECT_FALSE(launch.shared());
    EXPECT_EQ(describe(launch), "one process");
    EXPECT_FALSE(launch.host.empty());
}

TEST(FarmLaunch, SlurmArrayWithCount) {
    const Launch launch = detect_launch(
        std::nullopt,
        environment_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
    EXPECT_EQ(launch.launcher, Launcher::slurm_array);
    EXPECT_EQ(launch.index, 2);
    EXPECT_EQ(launch.count, 3);
    EXPECT_EQ(describe(launch), "array task 2 of 3");
    EXPECT_EQ(worker_name(launch), "task 2");
}

TEST(FarmLaunch, SlurmArrayFromMinAndMaxCountsFromTheMinimum) {
    const Launch launch =
        detect_launch(std::nullopt, environment_of({{"SLURM_ARRAY_TASK_ID", "7"},
                                                    {"SLURM_ARRAY_TASK_MIN", "5"},
                                                    {"SLURM_ARRAY_TASK_MAX", "8"}}));
    EXPECT_EQ(launch.index, 2);
    EXPECT_EQ(launch.count, 4);
}

TEST(FarmLaunch, SlurmArrayWithoutCountOrRangeIsAnError) {
    EXPECT_THROW(detect_launch(std::nullopt, environment_of({{"SLURM_ARRAY_TASK_ID", "1"}})),
                 bgv::Error);
    EXPECT_THROW(detect_launch(std::nullopt, environment_of({{"SLURM_ARRAY_TASK_ID", "x"},
                                                             {"SLURM_ARRAY_TASK_COUNT", "3"}})),
                 bgv::Error);
}

TEST(FarmLaunch, ShardOptionWinsOverTheEnvironment) {
    const Launch launch = detect_launch(
        Shard{1, 4},
        environment_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
    EXPECT_EQ(launch.launcher, Launcher::shard);
    EXPECT_EQ(launch.index, 1);
    EXPECT_EQ(launch.count, 4);
    EXPECT_EQ(describe(launch), "shard 1/4");
}

TEST(FarmLaunch, ParseShard) {
    const Shard shard = parse_shard("3/8");
    EXPECT_EQ(shard.index, 3);
    EXPECT_EQ(shard.count, 8);
    for (const char* bad : {"8/8", "-1/4", "1", "1/0", "a/b", "1/2/3", ""})
        EXPECT_THROW(parse_shard(bad), bgv::UsageError) << bad;
}

TEST(FarmLaunch, DefaultThreadsShareTheMachineUnlessBound) {
    Launch two_ranks;
    two_ranks.launcher = Launcher::mpi;
    two_ranks.count = 2;
    two_ranks.local_count = 2;
    EXPECT_EQ(default_threads(two_ranks, 2, 2), 1);  // mpirun -np 2 on a 2-core box, unbound
    EXPECT_EQ(default_threads(two_ranks, 1, 2), 1);  // bound to one core each
    EXPECT_EQ(default_threads(two_ranks, 16, 16), 8);
    EXPECT_EQ(default_threads(two_ranks, 4, 16), 4);  // --bind-to with 4 cores per rank
    two_ranks.local_count = 3;
    EXPECT_EQ(default_threads(two_ranks, 2, 2), 1);  // oversubscribed: never 0
    EXPECT_EQ(default_threads(Launch{}, 2, 2), 2);
}

#ifdef BGV_EXPECT_NO_MPI
TEST(FarmLaunch, WithoutMpiOnlyRankZeroRenders) {
    const Launch rank0 = detect_launch(
        std::nullopt,
        environment_of({{"OMPI_COMM_WORLD_RANK", "0"}, {"OMPI_COMM_WORLD_SIZE", "3"}}));
    EXPECT_FALSE(rank0.stand_aside);
    EXPECT_FALSE(rank0.shared());
    const Launch rank2 = detect_launch(
        std::nullopt,
        environment_of({{"OMPI_COMM_WORLD_RANK", "2"}, {"OMPI_COMM_WORLD_SIZE", "3"}}));
    EXPECT_TRUE(rank2.stand_aside);
}
#endif
