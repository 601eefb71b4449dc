#include "farm/launch.h"

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <thread>

#include "core/error.h"
#include "core/host.h"
#include "core/log.h"
#ifdef BGV_HAVE_MPI
#include "farm/mpi_world.h"
#endif

namespace bgv::farm {

namespace {

std::optional<int> parse_int(std::string_view text) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

// An environment variable that must hold an integer when it is set at all.
std::optional<int> integer_variable(const Environment& environment, const char* name) {
    const auto text = environment(name);
    if (!text)
        return std::nullopt;
    const auto value = parse_int(*text);
    if (!value)
        fail("environment variable {}={} is not an integer", name, *text);
    return value;
}

bool launched_by_mpi(const Environment& environment) {
    return environment("OMPI_COMM_WORLD_SIZE") || environment("PMIX_RANK") ||
           environment("PMI_RANK");
}

Launch mpi_launch(const Environment& environment) {
    Launch launch;
#ifdef BGV_HAVE_MPI
    (void)environment;
    const MpiWorld world = join_mpi_world();
    launch.launcher = Launcher::mpi;
    launch.index = world.rank;
    launch.count = world.size;
    launch.local_count = world.local_size;
#else
    // Without MPI the rank can still be read from OpenMPI's environment, which is enough to let
    // rank 0 alone render.
    const int rank = integer_variable(environment, "OMPI_COMM_WORLD_RANK")
                         .value_or(integer_variable(environment, "PMIX_RANK").value_or(0));
    const int size = integer_variable(environment, "OMPI_COMM_WORLD_SIZE").value_or(1);
    launch.stand_aside = rank != 0;
    if (rank == 0)
        log::warn(
            "this bigganviz was built without MPI (-DBGV_MPI=OFF): rank 0 renders the whole "
            "video on this machine and the other {} ranks stop",
            size - 1);
#endif
    return launch;
}

Launch array_launch(const Environment& environment) {
    Launch launch;
    launch.launcher = Launcher::slurm_array;
    launch.index = *integer_variable(environment, "SLURM_ARRAY_TASK_ID");
    if (const auto count = integer_variable(environment, "SLURM_ARRAY_TASK_COUNT")) {
        launch.count = *count;
        // Task ids are the array's indices (--array=1-3 too): count from its minimum.
        launch.index -= integer_variable(environment, "SLURM_ARRAY_TASK_MIN").value_or(0);
    } else {
        const auto min = integer_variable(environment, "SLURM_ARRAY_TASK_MIN");
        const auto max = integer_variable(environment, "SLURM_ARRAY_TASK_MAX");
        if (!min || !max)
            fail(
                "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor "
                "SLURM_ARRAY_TASK_MIN/MAX: cannot tell how many array tasks share the render");
        launch.count = *max - *min + 1;
        launch.index -= *min;
    }
    if (launch.count < 1 || launch.index < 0 || launch.index >= launch.count)
        fail("Slurm array task {} of {} is out of range", launch.index, launch.count);
    return launch;
}

}  // namespace

Shard parse_shard(std::string_view text) {
    const auto slash = text.find('/');
    const auto index = parse_int(text.substr(0, slash));
    const auto count =
        slash == std::string_view::npos ? std::nullopt : parse_int(text.substr(slash + 1));
    if (!index || !count || *count < 1 || *index < 0 || *index >= *count)
        fail_usage("--shard {}: expected I/N with 0 <= I < N, e.g. 0/4", text);
    return {*index, *count};
}

std::optional<std::string> process_environment(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr)
        return std::nullopt;
    return std::string(value);
}

bool built_with_mpi() {
#ifdef BGV_HAVE_MPI
    return true;
#else
    return false;
#endif
}

Launch detect_launch(const std::optional<Shard>& shard, const Environment& environment) {
    Launch launch;
    if (shard) {
        launch.launcher = Launcher::shard;
        launch.index = shard->index;
        launch.count = shard->count;
    } else if (launched_by_mpi(environment)) {
        launch = mpi_launch(environment);
    } else if (environment("SLURM_ARRAY_TASK_ID")) {
        launch = array_launch(environment);
    }
    launch.host = host_name();
    return launch;
}

std::string describe(const Launch& launch) {
    switch (launch.launcher) {
        case Launcher::mpi:
            return fmt::format("rank {} of {}", launch.index, launch.count);
        case Launcher::slurm_array:
            return fmt::format("array task {} of {}", launch.index, launch.count);
        case Launcher::shard:
            return fmt::format("shard {}/{}", launch.index, launch.count);
        case Launcher::single:
            break;
    }
    return "one process";
}

std::string launcher_name(Launcher launcher) {
    switch (launcher) {
        case Launcher::mpi:
            return "mpi";
        case Launcher::slurm_array:
            return "slurm array";
        case Launcher::shard:
            return "shard";
        case Launcher::single:
            break;
    }
    return "single";
}

std::string worker_name(const Launch& launch) {
    switch (launch.launcher) {
        case Launcher::mpi:
            return fmt::format("rank {}", launch.index);
        case Launcher::slurm_array:
            return fmt::format("task {}", launch.index);
        case Launcher::shard:
            return fmt::format("shard {}", launch.index);
        case Launcher::single:
            break;
    }
    return "single";
}

int default_threads(const Launch& launch, int bound_cores, int machine_cores) {
    if (bound_cores < machine_cores)
        return std::max(1, bound_cores);
    return std::max(1, machine_cores / std::max(1, launch.local_count));
}

int default_threads(const Launch& launch) {
    const int machine = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    cpu_set_t set;
    CPU_ZERO(&set);
    const int bound = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : machine;
    return default_threads(launch, bound, machine);
}

}  // namespace bgv::farm
