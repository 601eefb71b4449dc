#include "farm/mpi_world.h"

#include <mpi.h>

#include "core/error.h"

namespace bgv::farm {

namespace {
// Finalises MPI when the program ends normally, so that mpirun sees a clean exit; a process that
// dies without it makes mpirun end the job, which is what a crash should do.
struct MpiSession {
    MpiSession() {
        int provided = 0;
        if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
            fail("MPI_Init failed: this process cannot join the mpirun job");
    }
    ~MpiSession() {
        int finalized = 0;
        MPI_Finalized(&finalized);
        if (finalized == 0)
            MPI_Finalize();
    }
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;
};
}  // namespace

MpiWorld join_mpi_world() {
    static MpiSession session;
    MpiWorld world;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    MPI_Comm local = MPI_COMM_NULL;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, world.rank, MPI_INFO_NULL, &local);
    if (local != MPI_COMM_NULL) {
        MPI_Comm_size(local, &world.local_size);
        MPI_Comm_free(&local);
    }
    return world;
}

}  // namespace bgv::farm
