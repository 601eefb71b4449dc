// features/parallel: runs a feature pass on several threads (each given its worker number) and
// rethrows the first worker's error on the calling thread.
#pragma once

#include <functional>

namespace bgv::features {

// Calls body(0), ..., body(workers - 1), each on its own thread (on this one when workers is 1),
// and returns when all have finished; an exception from any is rethrown here.
void run_workers(int workers, const std::function<void(int worker)>& body);

}  // namespace bgv::features
