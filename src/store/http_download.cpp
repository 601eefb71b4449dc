#include "store/http_download.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <system_error>
#include <thread>

#include "core/log.h"
#include "core/progress.h"

namespace bgv::store {

namespace {

namespace fs = std::filesystem;

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            fail("libcurl could not be initialised");
    });
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size())
        return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i])
            return false;
    }
    return true;
}

// "bytes 100-199/1000" -> first 100, total 1000; "bytes */1000" -> total 1000 only.
struct ContentRange {
    std::int64_t first = -1;
    std::int64_t total = -1;
};

ContentRange parse_content_range(std::string_view value) {
    ContentRange range;
    value = trim(value);
    if (!value.starts_with("bytes"))
        return range;
    value = trim(value.substr(5));
    const auto slash = value.find('/');
    if (slash == std::string_view::npos)
        return range;
    range.total = parse_int64(trim(value.substr(slash + 1))).value_or(-1);
    const auto spec = value.substr(0, slash);
    if (const auto dash = spec.find('-'); dash != std::string_view::npos)
        range.first = parse_int64(spec.substr(0, dash)).value_or(-1);
    return range;
}

// What one request learnt; reset for each response in a redirect chain.
struct Attempt {
    fs::path part_path;
    std::int64_t offset = 0;           // bytes in the .part file when the request went out
    std::int64_t expected_total = -1;  // known before the request (table or earlier response)
    bool size_from_table = false;      // expected_total is the model table's, not a guess
    std::int64_t at_most = -1;         // the most bytes the file can sensibly have
    long status = 0;
    std::int64_t content_length = -1;
    ContentRange content_range;
    bool body_started = false;
    std::int64_t start = 0;  // where the body's first byte lands in the file
    std::int64_t total = -1;
    std::int64_t written = 0;
    std::FILE* file = nullptr;
    std::string abort_reason;  // set when the write callback refuses the body
    bool abort_is_permanent = false;
    CURL* curl = nullptr;
    Progress* progress = nullptr;
    std::unique_ptr<Progress>* progress_owner = nullptr;
    std::string label;
    bool show_progress = true;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& attempt = *static_cast<Attempt*>(user);
    const std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
        attempt.status = 0;
        attempt.content_length = -1;
        attempt.content_range = {};
        const auto space = line.find(' ');
        if (space != std::string_view::npos) {
            attempt.status =
                static_cast<long>(parse_int64(trim(line.substr(space + 1, 3))).value_or(0));
        }
    } else if (starts_with_nocase(line, "content-range:")) {
        attempt.content_range = parse_content_range(line.substr(14));
    } else if (starts_with_nocase(line, "content-length:")) {
        attempt.content_length = parse_int64(trim(line.substr(15))).value_or(-1);
    }
    return size * count;
}

// Decides, on the first bytes of the final response, whether they continue the .part file
// (206, or a non-HTTP source that honoured the range) or replace it (200).
bool start_body(Attempt& attempt) {
    attempt.body_started = true;
    std::int64_t length = attempt.content_length;
    if (length < 0) {
        curl_off_t curl_length = -1;
        if (curl_easy_getinfo(attempt.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &curl_length) ==
            CURLE_OK)
            length = curl_length;
    }
    const char* mode = "wb";
    if (attempt.status == 206) {
        if (attempt.content_range.first != attempt.offset) {
            attempt.abort_reason = fmt::format("server answered a request for bytes {}- with {}",
                                               attempt.offset, attempt.content_range.first);
            return false;
        }
        attempt.start = attempt.offset;
        attempt.total = attempt.content_range.total;
        mode = "ab";
    } else if (attempt.status == 0 && attempt.offset > 0) {
        // file:// and other non-HTTP sources apply the range without saying so, and libcurl
        // versions differ on whether their length counts the skipped bytes: trust the end.
        attempt.start = attempt.offset;
        attempt.total = -1;
        mode = "ab";
    } else {
        attempt.start = 0;
        attempt.total = length;
    }
    if (attempt.expected_total >= 0 && attempt.total >= 0 &&
        attempt.total != attempt.expected_total) {
        attempt.abort_reason = fmt::format("the server announces {} bytes, expected {}",
                                           attempt.total, attempt.expected_total);
        attempt.abort_is_permanent = attempt.size_from_table;
        return false;
    }
    if (attempt.total >= 0 && attempt.at_most >= 0 && attempt.total > attempt.at_most) {
        attempt.abort_reason = fmt::format(
            "the server announces {} bytes ({}), far more than this file can be (at most {}): "
            "refused",
            attempt.total, format_bytes(static_cast<double>(attempt.total)),
            format_bytes(static_cast<double>(attempt.at_most)));
        attempt.abort_is_permanent = true;
        return false;
    }
    if (attempt.total >= 0) {
        // What is still to come must fit, with a little to spare for the hash record beside it.
        constexpr std::int64_t kSpareBytes = 1 << 20;
        const fs::path folder = attempt.part_path.parent_path();
        std::error_code error;
        const fs::space_info space = fs::space(folder.empty() ? fs::path(".") : folder, error);
        const std::int64_t to_come = attempt.total - attempt.start;
        if (!error && static_cast<std::int64_t>(space.available) < to_come + kSpareBytes) {
            attempt.abort_reason = fmt::format(
                "the server announces {} bytes ({} still to come), but {} has only {} free",
                attempt.total, format_bytes(static_cast<double>(to_come)), folder.string(),
                format_bytes(static_cast<double>(space.available)));
            attempt.abort_is_permanent = true;
            return false;
        }
    }
    attempt.file = std::fopen(attempt.part_path.c_str(), mode);
    if (attempt.file == nullptr) {
        attempt.abort_reason = fmt::format("cannot write {}", attempt.part_path.string());
        attempt.abort_is_permanent = true;
        return false;
    }
    if (attempt.show_progress) {
        if (*attempt.progress_owner == nullptr) {
            *attempt.progress_owner = std::make_unique<Progress>(
                attempt.label, std::max<std::int64_t>(attempt.total, 0), Progress::Unit::bytes);
            (*attempt.progress_owner)->set_start_offset(attempt.start);
        }
        attempt.progress = attempt.progress_owner->get();
    }
    return true;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto& attempt = *static_cast<Attempt*>(user);
    const std::size_t bytes = size * count;
    if (attempt.status >= 300) {
        return bytes;  // an error page or a redirect's body: not the file
    }
    if (!attempt.body_started && !start_body(attempt))
        return 0;  // makes curl stop with CURLE_WRITE_ERROR
    // Without an announced size, the bound is kept as the bytes arrive.
    if (attempt.at_most >= 0 &&
        attempt.start + attempt.written + static_cast<std::int64_t>(bytes) > attempt.at_most) {
        attempt.abort_reason =
            fmt::format("the server sends more than this file can be (at most {}): refused",
                        format_bytes(static_cast<double>(attempt.at_most)));
        attempt.abort_is_permanent = true;
        return 0;
    }
    if (std::fwrite(data, 1, bytes, attempt.file) != bytes) {
        attempt.abort_reason = fmt::format("cannot write {}", attempt.part_path.string());
        attempt.abort_is_permanent = true;
        return 0;
    }
    attempt.written += static_cast<std::int64_t>(bytes);
    if (attempt.progress != nullptr)
        attempt.progress->update(attempt.start + attempt.written);
    return bytes;
}

std::int64_t size_or_zero(const fs::path& path) {
    std::error_code error;
    const auto size = fs::file_size(path, error);
    return error ? 0 : static_cast<std::int64_t>(size);
}

void truncate_part(const fs::path& path) {
    std::error_code ignored;
    fs::remove(path, ignored);
}

void flush_to_disk(const fs::path& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr)
        fail("cannot open {}", path.string());
    const int result = ::fsync(::fileno(file));
    std::fclose(file);
    if (result != 0)
        fail("cannot flush {} to disk", path.string());
}

struct CurlHandle {
    CURL* curl = curl_easy_init();
    ~CurlHandle() { curl_easy_cleanup(curl); }
};

}  // namespace

std::string url_path(const std::string& url) {
    const auto scheme = url.find("://");
    const auto host_start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto path_start = url.find('/', host_start);
    return path_start == std::string::npos ? "/" : url.substr(path_start);
}

std::int64_t download_resumable(const std::string& url, const fs::path& part_path,
                                ExpectedSize size, const DownloadOptions& options,
                                const std::string& label) {
    const std::int64_t expected_size = size.exact;
    init_curl_once();
    CurlHandle handle;
    if (handle.curl == nullptr)
        fail("libcurl: cannot create a transfer");
    std::unique_ptr<Progress> progress;
    std::int64_t known_total = expected_size;
    int fruitless = 0;
    std::int64_t most_held = size_or_zero(part_path);
    // Each attempt either adds bytes or counts towards the limit, so this ends; the cap is a
    // second guard against a server that trickles one byte per attempt forever.
    const int max_attempts = 1000 + options.max_attempts_without_progress;
    for (int attempt_number = 1; attempt_number <= max_attempts; ++attempt_number) {
        Attempt attempt;
        attempt.part_path = part_path;
        attempt.offset = size_or_zero(part_path);
        attempt.expected_total = known_total;
        attempt.size_from_table = expected_size >= 0;
        attempt.at_most = size.at_most;
        attempt.curl = handle.curl;
        attempt.progress_owner = &progress;
        attempt.label = label;
        attempt.show_progress = options.show_progress;
        if (known_total >= 0 && attempt.offset == known_total)
            break;
        if (known_total >= 0 && attempt.offset > known_total) {
            truncate_part(part_path);
            attempt.offset = 0;
        }

        CURL* curl = handle.curl;
        const std::string range = fmt::format("{}-", attempt.offset);
        char curl_error[CURL_ERROR_SIZE] = {};
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_USERAGENT,
                         "bigganviz/"
                         "0.1");
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_limit_bytes_per_s);
        curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, options.low_speed_time_s);
        curl_easy_setopt(curl, CURLOPT_RANGE, attempt.offset > 0 ? range.c_str() : nullptr);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &attempt);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &attempt);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
        const CURLcode code = curl_easy_perform(curl);
        if (attempt.file != nullptr)
            std::fclose(attempt.file);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);

        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        // Overloaded or failing for now: worth another attempt, as a dropped connection is.
        const bool server_busy = status == 429 || status >= 500;
        const std::string curl_text = server_busy          ? fmt::format("HTTP {}", status)
                                      : curl_error[0] != 0 ? std::string(curl_error)
                                                           : curl_easy_strerror(code);

        if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY ||
            code == CURLE_COULDNT_CONNECT || code == CURLE_UNSUPPORTED_PROTOCOL ||
            code == CURLE_URL_MALFORMAT || code == CURLE_TOO_MANY_REDIRECTS) {
            throw DownloadError(curl_text, true);
        }
        if (!attempt.abort_reason.empty() && attempt.abort_is_permanent)
            throw DownloadError(attempt.abort_reason, false);
        if (status == 416) {
            // The range starts at or past the end: complete if the sizes agree, else start over.
            const std::int64_t total = attempt.content_range.total;
            if (total >= 0 && total == attempt.offset &&
                (known_total < 0 || total == known_total)) {
                known_total = total;
                break;
            }
            truncate_part(part_path);
        } else if (status >= 300 && !server_busy) {
            throw DownloadError(fmt::format("HTTP {}", status), false);
        } else if (code == CURLE_FILE_COULDNT_READ_FILE || code == CURLE_REMOTE_FILE_NOT_FOUND) {
            throw DownloadError(curl_text, false);
        }
        if (attempt.body_started && attempt.start == 0 && attempt.offset > 0)
            log::debug("{}: the server ignored the range request, starting over", label);
        if (!attempt.abort_reason.empty()) {
            // A 206 that does not fit what we hold (the file changed upstream): start over.
            log::warn("{}: {}; starting over", label, attempt.abort_reason);
            truncate_part(part_path);
            known_total = expected_size;
        }
        if (attempt.total >= 0)
            known_total = attempt.total;

        const std::int64_t have = size_or_zero(part_path);
        if (code == CURLE_OK && !server_busy && (known_total < 0 || have == known_total)) {
            if (known_total < 0)
                known_total = have;
            break;
        }
        if (code == CURLE_OK && !server_busy && have > known_total) {
            truncate_part(part_path);
            throw DownloadError(
                fmt::format("received {} bytes, more than the {} announced", have, known_total),
                false);
        }
        if (have > most_held) {
            most_held = have;
            fruitless = 0;
        } else if (++fruitless >= options.max_attempts_without_progress) {
            // Before any response announced a size there is no "of N" to tell.
            const std::string where =
                known_total >= 0 ? fmt::format("stopped at byte {} of {}", have, known_total)
                : have > 0       ? fmt::format("stopped after {} bytes", have)
                                 : std::string("no bytes received");
            throw DownloadError(
                fmt::format(
                    "{} after {} attempts without progress ({})", where, fruitless,
                    code == CURLE_OK && !server_busy ? "the server sent nothing more" : curl_text),
                false);
        }
        const auto delay = options.retry_delay * std::max(fruitless, 1);
        log::info("{}: transfer interrupted at {} ({}); resuming in {:.1f} s", label,
                  format_bytes(static_cast<double>(have)),
                  code == CURLE_OK && !server_busy ? "the server sent nothing more" : curl_text,
                  std::chrono::duration<double>(delay).count());
        std::this_thread::sleep_for(delay);
    }
    if (progress)
        progress->finish();
    const std::int64_t have = size_or_zero(part_path);
    if (known_total >= 0 && have != known_total) {
        throw DownloadError(fmt::format("gave up with {} of {} bytes after {} attempts", have,
                                        known_total, max_attempts),
                            false);
    }
    if (!fs::exists(part_path)) {
        std::FILE* empty = std::fopen(part_path.c_str(), "wb");  // a file of 0 bytes
        if (empty == nullptr)
            fail("cannot write {}", part_path.string());
        std::fclose(empty);
    }
    flush_to_disk(part_path);
    return have;
}

}  // namespace bgv::store
