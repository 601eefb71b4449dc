// core/progress: progress of a long job on stderr: done/total, rate and ETA. On a terminal one
// line is redrawn in place; otherwise (a log file, CI) a plain line is written every few seconds.
// Nothing is shown when the log level is above info (--quiet). Progress is a courtesy: a stream
// that cannot be written (2>/dev/full, a closed stderr) never stops the job.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace bgv {

class Progress {
  public:
    enum class Unit { items, bytes };

    // `label` starts each line ("render", "biggan-deep-128/pytorch_model.bin"); `item_name` is
    // the plural of what is counted ("frames") when unit is items. A total of 0 means unknown.
    Progress(std::string label, std::int64_t total, Unit unit = Unit::items,
             std::string item_name = "items", std::FILE* stream = stderr);

    // `done` counts from 0; `start_offset` (e.g. frames already rendered before a resume) is
    // excluded from the rate.
    void set_start_offset(std::int64_t already_done);
    void update(std::int64_t done);
    void finish();

    std::string line(std::int64_t done) const;  // the text shown for `done`, without "\r"

  private:
    void write_line(const std::string& text);

    std::string label_;
    std::int64_t total_;
    Unit unit_;
    std::string item_name_;
    std::FILE* stream_;
    bool terminal_;
    bool enabled_;  // false under --quiet (log level above info)
    std::int64_t offset_ = 0;
    std::int64_t last_done_ = 0;
    std::int64_t printed_done_ = -1;  // `done` of the last line written
    bool finished_ = false;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_print_;
};

// "1.5 MB", "225.0 MB"; "3:05", "1:02:03".
std::string format_bytes(double bytes);
std::string format_duration(double seconds);

}  // namespace bgv
