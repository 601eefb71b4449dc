// store/http_download: one file from one URL into a ".part" file with libcurl, resumed with HTTP
// Range requests after a dropped connection, until it holds every byte the server announced.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "core/error.h"

namespace bgv::store {

struct DownloadOptions {
    long connect_timeout_s = 30;
    // A transfer slower than this many bytes/s for low_speed_time_s is abandoned (and resumed):
    // a stalled connection is noticed without a total timeout that would cut a slow, live one.
    long low_speed_limit_bytes_per_s = 1024;
    long low_speed_time_s = 30;
    // Attempts in a row that add no byte before giving up on a URL; an attempt that adds bytes
    // starts the count again.
    int max_attempts_without_progress = 5;
    std::chrono::milliseconds retry_delay{2000};  // grows with each fruitless attempt
    bool show_progress = true;
};

// A URL that cannot serve the file (HTTP error, unreachable host, wrong size, keeps dropping).
// `unreachable` is true when no server answered at all.
class DownloadError : public Error {
  public:
    DownloadError(const std::string& message, bool unreachable)
        : Error(message), unreachable_(unreachable) {}
    bool unreachable() const { return unreachable_; }

  private:
    bool unreachable_;
};

// What is known of a file's size before it is downloaded.
struct ExpectedSize {
    std::int64_t exact = -1;    // bytes the server must announce; -1: unknown
    std::int64_t at_most = -1;  // bytes the file can sensibly have; -1: no bound
};

// Downloads `url` into `part_path`, keeping the bytes already there when the server honours a
// Range request. The size the server announces must be `size.exact` when that is known, at most
// `size.at_most`, and fit in the free space of the .part file's folder: else nothing is written
// (a server announcing 10 GB for a 200 MB model is refused at once, not after filling the disk).
// Returns the size of the complete file. Throws DownloadError; the .part file stays for a
// later resume. `label` starts the progress line.
std::int64_t download_resumable(const std::string& url, const std::filesystem::path& part_path,
                                ExpectedSize size, const DownloadOptions& options,
                                const std::string& label);

// "https://host/a/b?x" -> "/a/b?x": the part a mirror address is prefixed to.
std::string url_path(const std::string& url);

}  // namespace bgv::store
