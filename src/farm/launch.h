// farm/launch: who this process is among the processes sharing one render: an MPI rank (mpirun,
// srun), a Slurm array task, a `--shard I/N` of any other launcher, or the only process.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace bgv::farm {

enum class Launcher { single, mpi, slurm_array, shard };

struct Launch {
    Launcher launcher = Launcher::single;
    int index = 0;        // rank, array task or shard, from 0
    int count = 1;        // processes in the job (as the launcher counts them)
    int local_count = 1;  // of those, how many share this machine (known for MPI only)
    std::string host;
    // A rank other than 0 of an mpirun launch in a build without MPI: it must not render (rank 0
    // renders the whole video alone).
    bool stand_aside = false;

    bool shared() const { return launcher != Launcher::single; }
};

struct Shard {
    int index = 0;
    int count = 1;
};

// "I/N" with 0 <= I < N; UsageError otherwise.
Shard parse_shard(std::string_view text);

// The value of an environment variable, or nothing when it is unset.
using Environment = std::function<std::optional<std::string>(const char* name)>;
std::optional<std::string> process_environment(const char* name);

// Detects the launch from `shard` (the command line wins), MPI's environment (OpenMPI's
// OMPI_COMM_WORLD_*, PMIx or PMI under srun) and Slurm's array variables. Launched by MPI, the
// rank and size come from MPI itself when this build has MPI (MPI is initialised here and
// finalised at exit); a build without MPI says so in one line and renders alone on rank 0 (the
// other ranks get stand_aside).
Launch detect_launch(const std::optional<Shard>& shard,
                     const Environment& environment = process_environment);

// True when this build can talk MPI.
bool built_with_mpi();

// "rank 2 of 3", "array task 0 of 3", "shard 1/4", "one process".
std::string describe(const Launch& launch);
// The launcher's name for records: "mpi", "slurm array", "shard", "single".
std::string launcher_name(Launcher launcher);
// Short name for records: "rank 2", "task 0", "shard 1", "single".
std::string worker_name(const Launch& launch);

// Generator threads for this process when the user gave none. A process bound to fewer cores than
// the machine has (mpirun --bind-to, Slurm's cgroups) uses those it is bound to; an unbound one
// shares the machine's cores with the job's other processes on it. At least one.
int default_threads(const Launch& launch, int bound_cores, int machine_cores);
// default_threads for this process on this machine.
int default_threads(const Launch& launch);

}  // namespace bgv::farm
