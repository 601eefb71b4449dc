// runtime/profile: where a forward pass spends its time, by kind of operation (wall and CPU
// seconds, calls, floating-point work), collected while a Profile is attached to the Engine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/engine.h"

namespace bgv::runtime {

class Profile {
  public:
    struct Entry {
        std::string kind;
        double wall_seconds = 0.0;
        double cpu_seconds = 0.0;  // of the whole process: all threads of the operation
        double flops = 0.0;        // floating-point operations (a multiply-add counts 2)
        std::int64_t calls = 0;
    };

    void add(std::string_view kind, double wall_seconds, double cpu_seconds, double flops);
    // In the order the kinds were first seen.
    const std::vector<Entry>& entries() const { return entries_; }
    void clear() { entries_.clear(); }

  private:
    std::vector<Entry> entries_;
};

// Times one operation into the engine's attached profile; does nothing (not even read a clock)
// when none is attached.
class ProfileScope {
  public:
    ProfileScope(Engine& engine, std::string_view kind, double flops);
    ~ProfileScope();
    ProfileScope(const ProfileScope&) = delete;
    ProfileScope& operator=(const ProfileScope&) = delete;

  private:
    Profile* profile_;
    std::string_view kind_;
    double flops_;
    double wall_start_ = 0.0, cpu_start_ = 0.0;
};

}  // namespace bgv::runtime
