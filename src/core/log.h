// core/log: messages for the user on stderr, one line each, with a level that --quiet and
// --verbose select. Progress display lives in core/progress.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string_view>
#include <utility>

namespace bgv::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_level(Level level);
Level level();
// Messages go out even when the stream cannot take them: a full disk or a closed stderr loses
// the message, never the job, so write errors are cleared and ignored.
void write(Level level, std::string_view message);
void write_ignoring_errors(std::FILE* stream, std::string_view text);

template <typename... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
    if (level() <= Level::debug)
        write(Level::debug, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
    if (level() <= Level::info)
        write(Level::info, fmt::format(format, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
    if (level() <= Level::warn)
        write(Level::warn, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace bgv::log
