// core/log: messages for the user on stderr, one line each, with a level that --quiet and
// --verbose select. Progress display lives in core/progress.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bgv::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, quiet = 4 };

void set_level(Level level);
Level level();
// Messages go out even when the stream cannot take them: a full disk or a closed stderr loses
// the message, never the job, so write errors are cleared and ignored.
void write(Level level, std::string_view message);
void write_ignoring_errors(std::FILE* stream, std::string_view text);

// While a Capture lives, the messages of every thread go to it instead of stderr (to the newest,
// when captures nest): how tests check what a user is told without reading the process's stderr.
// Messages below the level are dropped before they reach it, as before they reach stderr.
class Capture {
  public:
    struct Record {
        Level level;
        std::string message;  // without the "warning: " prefix and the newline
    };

    Capture();
    ~Capture();
    Capture(const Capture&) = delete;
    Capture& operator=(const Capture&) = delete;

    std::vector<Record> records() const;
    // The messages of `level` (of every level when none), in the order they were written.
    std::vector<std::string> messages(std::optional<Level> level = std::nullopt) const;
    // How many messages (of `level`, or of any) contain `part`.
    std::size_t count(std::string_view part, std::optional<Level> level = std::nullopt) const;
    // The text stderr would have shown.
    std::string text() const;

  private:
    friend void write(Level level, std::string_view message);
    Capture* previous_ = nullptr;
    std::vector<Record> records_;  // guarded by the log's write lock
};

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
