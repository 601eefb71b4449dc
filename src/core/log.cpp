#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

namespace bgv::log {
namespace {
std::atomic<Level> current_level{Level::info};
std::mutex write_mutex;
}  // namespace

void set_level(Level new_level) {
    current_level = new_level;
}
Level level() {
    return current_level;
}

void write(Level message_level, std::string_view message) {
    std::lock_guard lock(write_mutex);
    const char* prefix = message_level == Level::warn    ? "warning: "
                         : message_level == Level::error ? "error: "
                                                         : "";
    std::fprintf(stderr, "%s%.*s\n", prefix, static_cast<int>(message.size()), message.data());
    std::fflush(stderr);
}

}  // namespace bgv::log
