#include "features/parallel.h"

#include <exception>
#include <thread>
#include <vector>

namespace bgv::features {

void run_workers(int workers, const std::function<void(int worker)>& body) {
    if (workers <= 1) {
        body(0);
        return;
    }
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
    for (int w = 0; w < workers; ++w) {
        pool.emplace_back([&, w] {
            try {
                body(w);
            } catch (...) {
                errors[static_cast<std::size_t>(w)] = std::current_exception();
            }
        });
    }
    for (auto& thread : pool) {
        thread.join();
    }
    for (const auto& error : errors) {
        if (error) {
            std::rethrow_exception(error);
        }
    }
}

}  // namespace bgv::features
