// runtime/engine: the compute backend every runtime operation runs on: one CPU engine (oneDNN),
// its stream, the thread count, and the caches of primitives created per shape.
#pragma once

#include <map>
#include <memory>
#include <string>

namespace bgv::runtime {

struct EngineImpl;  // runtime/dnnl_engine.h, seen only by the runtime's own sources
class Profile;      // runtime/profile.h

class Engine {
  public:
    // threads <= 0: all cores (OpenMP's default). The count holds on every thread that runs this
    // engine's work: OpenMP keeps it per thread, so each operation taking an Engine sets it on
    // the calling thread (a worker thread would otherwise use the default, and two engines
    // would overwrite each other's).
    explicit Engine(int threads = 0);
    ~Engine();
    Engine(Engine&&) noexcept;
    Engine& operator=(Engine&&) noexcept;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    int threads() const;
    // Sets this engine's thread count on the calling thread, for the runtime's own loops that
    // run between engine operations (the models call it at the start of a forward pass).
    void use_on_this_thread() const;
    // Waits for submitted work (oneDNN's CPU stream is in-order and synchronous; kept for cuda).
    void wait();

    // Operations time themselves into `profile` while it is attached (nullptr detaches).
    void attach_profile(Profile* profile) { profile_ = profile; }
    Profile* profile() const { return profile_; }

    // Every operation run so far (its shape and types) → the implementation that ran it
    // ("brg:avx512_core", "bgv:avx512 f32 x64", ...), for tests that no slow fallback is used.
    const std::map<std::string, std::string>& implementations() const;

    EngineImpl& impl() { return *impl_; }

  private:
    std::unique_ptr<EngineImpl> impl_;
    Profile* profile_ = nullptr;
};

}  // namespace bgv::runtime
