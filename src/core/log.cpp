#include "core/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

#include "core/assert.h"

namespace bgv::log {
namespace {
std::atomic<Level> current_level{Level::info};
std::mutex write_mutex;
Capture* current_capture = nullptr;  // guarded by write_mutex

const char* prefix_of(Level level) {
    return level == Level::warn ? "warning: " : level == Level::error ? "error: " : "";
}
}  // namespace

void set_level(Level new_level) {
    current_level = new_level;
}
Level level() {
    return current_level;
}

void write(Level message_level, std::string_view message) {
    std::lock_guard lock(write_mutex);
    if (current_capture != nullptr) {
        current_capture->records_.push_back({message_level, std::string(message)});
        return;
    }
    write_ignoring_errors(stderr, prefix_of(message_level) + std::string(message) + "\n");
}

Capture::Capture() {
    std::lock_guard lock(write_mutex);
    previous_ = current_capture;
    current_capture = this;
}

Capture::~Capture() {
    std::lock_guard lock(write_mutex);
    BGV_ASSERT(current_capture == this,
               "log captures must end in the reverse order of their start");
    current_capture = previous_;
}

std::vector<Capture::Record> Capture::records() const {
    std::lock_guard lock(write_mutex);
    return records_;
}

std::vector<std::string> Capture::messages(std::optional<Level> level) const {
    std::vector<std::string> selected;
    for (const auto& record : records()) {
        if (!level || record.level == *level)
            selected.push_back(record.message);
    }
    return selected;
}

std::size_t Capture::count(std::string_view part, std::optional<Level> level) const {
    std::size_t found = 0;
    for (const auto& message : messages(level))
        found += message.find(part) != std::string::npos ? 1 : 0;
    return found;
}

std::string Capture::text() const {
    std::string text;
    for (const auto& record : records())
        text += prefix_of(record.level) + record.message + "\n";
    return text;
}

void write_ignoring_errors(std::FILE* stream, std::string_view text) {
    if (stream == nullptr)
        return;
    std::fwrite(text.data(), 1, text.size(), stream);
    std::fflush(stream);
    std::clearerr(stream);
}

}  // namespace bgv::log
