#include "runtime/profile.h"

#include <time.h>

#include <algorithm>
#include <chrono>

namespace bgv::runtime {

namespace {

double wall_now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double process_cpu_now() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

}  // namespace

void Profile::add(std::string_view kind, double wall_seconds, double cpu_seconds, double flops) {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.kind == kind; });
    if (it == entries_.end())
        it = entries_.insert(entries_.end(), Entry{std::string(kind)});
    it->wall_seconds += wall_seconds;
    it->cpu_seconds += cpu_seconds;
    it->flops += flops;
    ++it->calls;
}

ProfileScope::ProfileScope(Engine& engine, std::string_view kind, double flops)
    : profile_(engine.profile()), kind_(kind), flops_(flops) {
    if (profile_ != nullptr) {
        wall_start_ = wall_now();
        cpu_start_ = process_cpu_now();
    }
}

ProfileScope::~ProfileScope() {
    if (profile_ != nullptr)
        profile_->add(kind_, wall_now() - wall_start_, process_cpu_now() - cpu_start_, flops_);
}

}  // namespace bgv::runtime
