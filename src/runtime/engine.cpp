#include "runtime/engine.h"

#include <omp.h>

#include "core/log.h"
#include "runtime/dnnl_engine.h"

namespace bgv::runtime {

Engine::Engine(int threads) : impl_(std::make_unique<EngineImpl>()) {
    // OpenMP's default (OMP_NUM_THREADS, else the cores), read before any engine changed it.
    static const int default_threads = omp_get_max_threads();
    impl_->threads = threads > 0 ? threads : default_threads;
    impl_->use_on_this_thread();
    log::debug("runtime: oneDNN {}.{}.{} on {} threads", dnnl::version()->major,
               dnnl::version()->minor, dnnl::version()->patch, impl_->threads);
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

int Engine::threads() const {
    return impl_->threads;
}

void Engine::use_on_this_thread() const {
    impl_->use_on_this_thread();
}

void Engine::wait() {
    impl_->stream.wait();
}

const std::map<std::string, std::string>& Engine::implementations() const {
    return impl_->implementations;
}

void report_implementation(EngineImpl& engine, const std::string& what,
                           const std::string& impl_info) {
    engine.implementations[what] = impl_info;
    if (impl_info.starts_with("ref"))
        log::warn(
            "runtime: {} runs on oneDNN's reference implementation ({}): expect it to be slow",
            what, impl_info);
    else
        log::debug("runtime: {}: {}", what, impl_info);
}

}  // namespace bgv::runtime
