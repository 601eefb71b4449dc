// runtime/engine: the compute backend every runtime operation runs on: one CPU engine (oneDNN),
// its stream, the thread count, and the caches of primitives created per shape.
#pragma once

#include <memory>

namespace bgv::runtime {

struct EngineImpl;  // runtime/dnnl_engine.h, seen only by the runtime's own sources

class Engine {
  public:
    // threads <= 0: all cores (OpenMP's default). The count applies process-wide to oneDNN.
    explicit Engine(int threads = 0);
    ~Engine();
    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    int threads() const;
    // Waits for submitted work (oneDNN's CPU stream is in-order and synchronous; kept for cuda).
    void wait();

    EngineImpl& impl() { return *impl_; }

  private:
    std::unique_ptr<EngineImpl> impl_;
};

}  // namespace bgv::runtime
