#include "core/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>

#include "core/log.h"

namespace bgv {

using Clock = std::chrono::steady_clock;

Progress::Progress(std::string label, std::int64_t total, Unit unit, std::string item_name,
                   std::FILE* stream)
    : label_(std::move(label)),
      total_(total),
      unit_(unit),
      item_name_(std::move(item_name)),
      stream_(stream),
      terminal_(::isatty(::fileno(stream)) != 0),
      enabled_(log::level() <= log::Level::info),
      start_(Clock::now()),
      last_print_(Clock::now()) {}

void Progress::set_start_offset(std::int64_t already_done) {
    offset_ = already_done;
    last_done_ = already_done;
}

std::string Progress::line(std::int64_t done) const {
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(done - offset_) / seconds : 0.0;
    std::string text = label_ + ": ";
    if (unit_ == Unit::bytes) {
        text += format_bytes(static_cast<double>(done));
        if (total_ > 0)
            text += " / " + format_bytes(static_cast<double>(total_));
        text += fmt::format(", {}/s", format_bytes(rate));
    } else {
        text += fmt::format("{}", done);
        if (total_ > 0)
            text += fmt::format("/{}", total_);
        text += fmt::format(" {}, {:.2f} {}/s", item_name_, rate, item_name_);
    }
    if (total_ > 0) {
        text += fmt::format(" ({:.0f}%)",
                            100.0 * static_cast<double>(done) / static_cast<double>(total_));
        if (rate > 0 && done < total_) {
            text += ", ETA " + format_duration(static_cast<double>(total_ - done) / rate);
        }
    }
    return text;
}

void Progress::update(std::int64_t done) {
    last_done_ = done;
    if (!enabled_)
        return;
    const auto now = Clock::now();
    const auto interval = terminal_ ? std::chrono::milliseconds(200) : std::chrono::seconds(5);
    if (now - last_print_ < interval)
        return;
    last_print_ = now;
    printed_done_ = done;
    write_line(terminal_ ? fmt::format("\r{}\x1b[K", line(done)) : line(done) + "\n");
}

void Progress::finish() {
    if (finished_ || !enabled_)
        return;
    finished_ = true;
    if (!terminal_ && printed_done_ == last_done_)
        return;  // the last plain line already said this
    write_line(terminal_ ? fmt::format("\r{}\x1b[K\n", line(last_done_)) : line(last_done_) + "\n");
}

void Progress::write_line(const std::string& text) {
    log::write_ignoring_errors(stream_, text);
}

std::string format_bytes(double bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    int unit = 0;
    while (std::abs(bytes) >= 1000.0 && unit < 4) {
        bytes /= 1000.0;
        ++unit;
    }
    return unit == 0 ? fmt::format("{:.0f} {}", bytes, units[unit])
                     : fmt::format("{:.1f} {}", bytes, units[unit]);
}

std::string format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    const auto total = static_cast<long long>(std::llround(seconds));
    const long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
    return h > 0 ? fmt::format("{}:{:02}:{:02}", h, m, s) : fmt::format("{}:{:02}", m, s);
}

}  // namespace bgv
