// farm/mpi_world: the MPI side of a launch: initialises MPI once (finalised at exit) and asks it
// for this process's rank, the job's size and how many ranks share this machine.
#pragma once

namespace bgv::farm {

struct MpiWorld {
    int rank = 0;
    int size = 1;
    int local_size = 1;
};

// Present only in builds with MPI (BGV_MPI); the others never call it.
MpiWorld join_mpi_world();

}  // namespace bgv::farm
