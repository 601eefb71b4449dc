#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

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
    write_ignoring_errors(stderr, std::string(prefix) + std::string(message) + "\n");
}

void write_ignoring_errors(std::FILE* stream, std::string_view text) {
    if (stream == nullptr)
        return;
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fflush(stream);
    std::clearerr(stream);
}

}  // namespace bgv::log
