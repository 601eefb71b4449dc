#include "farm/piece_claims.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"

namespace bgv::farm {

namespace fs = std::filesystem;

PieceClaims::PieceClaims(fs::path dir, std::int64_t pieces,
                         std::function<fs::path(std::int64_t)> piece_path)
    : dir_(std::move(dir)),
      pieces_(pieces),
      piece_path_(std::move(piece_path)),
      seen_finished_(static_cast<std::size_t>(pieces), false) {
    std::error_code error;
    fs::create_directories(dir_, error);
    if (error)
        fail("{}: cannot make the folder of piece claims: {}", dir_.string(), error.message());
}

PieceClaims::~PieceClaims() = default;  // releases the claims' locks

bool PieceClaims::held_here(std::int64_t piece) const {
    std::lock_guard lock(mutex_);
    return held_.contains(piece);
}

void PieceClaims::finish(std::int64_t piece, const std::string& host, const std::string& worker,
                         double seconds) {
    std::lock_guard lock(mutex_);
    const auto held = held_.find(piece);
    BGV_ASSERT(held != held_.end(), "piece {} finished without a claim", piece);
    const fs::path path = piece_path_(piece);
    std::error_code error;
    const auto bytes = fs::file_size(path, error);
    if (error)
        fail("{}: the finished piece is missing: {}", path.string(), error.message());
    write_file_atomic(report_path(piece),
                      report_json({piece, host, worker, seconds, bytes}) + "\n");
    held_.erase(held);
}

void PieceClaims::adopt(std::int64_t piece, const std::string& host, const std::string& worker) {
    std::lock_guard lock(mutex_);
    const fs::path path = piece_path_(piece);
    std::error_code error;
    const auto bytes = fs::file_size(path, error);
    if (error)
        fail("{}: the piece to adopt is missing: {}", path.string(), error.message());
    write_file_atomic(report_path(piece), report_json({piece, host, worker, 0.0, bytes}) + "\n");
}

void PieceClaims::forget_finished() {
    std::lock_guard lock(mutex_);
    seen_finished_.assign(seen_finished_.size(), false);
}

void PieceClaims::release(std::int64_t piece) {
    std::lock_guard lock(mutex_);
    held_.erase(piece);
}

fs::path PieceClaims::lock_path(std::int64_t piece) const {
    return dir_ / fmt::format("piece_{:06d}.lock", piece);
}

fs::path PieceClaims::report_path(std::int64_t piece) const {
    return dir_ / fmt::format("piece_{:06d}.json", piece);
}

std::optional<PieceReport> PieceClaims::read_report(std::int64_t piece) const {
    const fs::path path = report_path(piece);
    std::error_code error;
    if (!fs::exists(path, error))
        return std::nullopt;
    try {
        return parse_report(read_file_text(path));
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

bool PieceClaims::finished(std::int64_t piece) const {
    const auto report = read_report(piece);
    if (!report || report->piece != piece)
        return false;
    std::error_code error;
    const auto bytes = fs::file_size(piece_path_(piece), error);
    return !error && bytes == report->bytes;
}

std::int64_t PieceClaims::finished_count() const {
    std::int64_t count = 0;
    for (std::int64_t p = 0; p < pieces_; ++p)
        count += finished(p) ? 1 : 0;
    return count;
}

std::vector<std::optional<PieceReport>> PieceClaims::reports() const {
    std::vector<std::optional<PieceReport>> all;
    for (std::int64_t p = 0; p < pieces_; ++p)
        all.push_back(read_report(p));
    return all;
}

std::optional<FileLock> PieceClaims::lock(std::int64_t piece, bool wait) {
    FileLock::Options options{.wait = wait, .when_moved = FileLock::WhenMoved::give_up};
    if (wait_observer_) {
        options.on_wait = [&](const std::optional<LockHolder>& holder) {
            wait_observer_(piece, holder);
        };
    }
    auto lock = FileLock::take(lock_path(piece), options);
    // A wait ends without the lock only when the folder went away or was replaced meanwhile (the
    // render ended, or started afresh, elsewhere); a look without waiting also when another holds
    // the piece, and then its lock file is still there.
    if (!lock && (wait || !fs::exists(lock_path(piece))))
        gone_ = true;
    return lock;
}

bool PieceClaims::take(std::int64_t piece, FileLock claim) {
    if (finished(piece))  // finished between our look and our lock
        return false;
    // Whatever a dead holder left of this piece (its temporary file, a piece without a report) is
    // not trusted: the piece is made again.
    const fs::path path = piece_path_(piece);
    std::error_code ignored;
    fs::remove(fs::path(path.string() + ".tmp"), ignored);
    fs::remove(path, ignored);
    fs::remove(report_path(piece), ignored);
    std::lock_guard lock(mutex_);
    held_.emplace(piece, std::move(claim));
    return true;
}

std::optional<std::int64_t> PieceClaims::claim_next() {
    while (!gone_) {
        std::optional<std::int64_t> held_elsewhere;
        for (std::int64_t p = 0; p < pieces_ && !gone_; ++p) {
            if (seen_finished_[static_cast<std::size_t>(p)] || held_here(p))
                continue;
            if (finished(p)) {
                std::lock_guard lock(mutex_);
                seen_finished_[static_cast<std::size_t>(p)] = true;
                continue;
            }
            auto claim = lock(p, false);
            if (claim && take(p, std::move(*claim)))
                return p;
            if (!claim && !held_elsewhere)
                held_elsewhere = p;
        }
        if (!held_elsewhere || gone_)
            return std::nullopt;
        // Every piece left is in other hands: sleep in the first one's lock. It comes back when
        // its holder finished it (look again) or died (take it over).
        auto claim = lock(*held_elsewhere, true);
        if (claim && take(*held_elsewhere, std::move(*claim)))
            return *held_elsewhere;
    }
    return std::nullopt;
}

std::string report_json(const PieceReport& report) {
    return nlohmann::json{{"piece", report.piece},
                          {"host", report.host},
                          {"worker", report.worker},
                          {"seconds", report.seconds},
                          {"bytes", report.bytes}}
        .dump();
}

std::optional<PieceReport> parse_report(const std::string& text) {
    try {
        const auto json = nlohmann::json::parse(text);
        return PieceReport{json.at("piece").get<std::int64_t>(), json.at("host").get<std::string>(),
                           json.at("worker").get<std::string>(), json.at("seconds").get<double>(),
                           json.at("bytes").get<std::uintmax_t>()};
    } catch (const nlohmann::json::exception&) {
        return std::nullopt;
    }
}

}  // namespace bgv::farm
