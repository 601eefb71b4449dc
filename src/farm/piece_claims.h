// farm/piece_claims: the pieces of one render shared among processes through a shared folder. A
// process claims a piece by holding an flock on its lock file while it renders it, so a process
// that dies loses only the pieces in its hands (the kernel, or the NFS server when the client's
// lease ends, drops its locks); a finished piece gets a report (who made it, how long, its size)
// that also proves it complete, so a half-written or unreported piece is never taken as done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/file_lock.h"

namespace bgv::farm {

struct PieceReport {
    std::int64_t piece = 0;
    std::string host;
    std::string worker;  // "rank 2", "task 0", "shard 1", "single"
    double seconds = 0;
    std::uintmax_t bytes = 0;  // the piece's size when it was finished
};

// Thread-safe: one thread may claim the next piece while another finishes an earlier one. A
// process may hold several claims; it never opens a lock file it already holds (with NFS's
// POSIX-lock emulation of flock, closing a second descriptor would drop the first one's lock).
class PieceClaims {
  public:
    // `dir` holds the lock files and reports (created when missing); `piece_path(i)` is where
    // piece i is renamed into place when complete (its writer writes "<path>.tmp" first).
    PieceClaims(std::filesystem::path dir, std::int64_t pieces,
                std::function<std::filesystem::path(std::int64_t)> piece_path);
    ~PieceClaims();  // releases the claims still held (their pieces stay to do)
    PieceClaims(const PieceClaims&) = delete;
    PieceClaims& operator=(const PieceClaims&) = delete;

    // Claims the next piece that is neither finished nor held. When every piece left is held by
    // other processes, waits (asleep, in the lock) until one is finished or its holder dies, then
    // looks again. Nothing when every piece is finished or held by this process, or when the
    // folder was removed or replaced meanwhile (the render ended or started afresh elsewhere).
    std::optional<std::int64_t> claim_next();
    // The claimed piece is complete under its name: writes its report, then releases the claim.
    void finish(std::int64_t piece, const std::string& host, const std::string& worker,
                double seconds);
    // A piece complete under its name but without a report (its process died between the two)
    // gets one, unclaimed. Only for a process alone on the folder: nobody else may be writing it.
    void adopt(std::int64_t piece, const std::string& host, const std::string& worker);
    // Gives a claimed piece up unfinished (its render failed or was cancelled).
    void release(std::int64_t piece);
    // `observer` runs on the claiming thread each time claim_next() is about to sleep in the lock
    // of a piece that another process holds, with that holder's record when it wrote one: how a
    // log line, or a test, learns that this process waits and for whom.
    using WaitObserver =
        std::function<void(std::int64_t piece, const std::optional<LockHolder>& holder)>;
    void set_wait_observer(WaitObserver observer) { wait_observer_ = std::move(observer); }
    // claim_next() remembers the pieces it saw finished and does not look at them again (a long
    // render has hundreds of pieces on a networked filesystem); call this after removing a
    // finished piece that failed its proof.
    void forget_finished();

    // A piece is finished when its report exists and its file has the reported size.
    bool finished(std::int64_t piece) const;
    std::int64_t finished_count() const;
    bool all_finished() const { return finished_count() == pieces_; }
    std::int64_t pieces() const { return pieces_; }
    // The reports of all pieces, in order; nothing for a piece without a readable report.
    std::vector<std::optional<PieceReport>> reports() const;

  private:
    std::filesystem::path lock_path(std::int64_t piece) const;
    std::filesystem::path report_path(std::int64_t piece) const;
    std::optional<PieceReport> read_report(std::int64_t piece) const;
    // The piece's lock, or nothing when another holds it (not waiting) or the folder went away
    // or was replaced (gone_ is then set).
    std::optional<FileLock> lock(std::int64_t piece, bool wait);
    // Keeps `lock` as a claim on `piece` unless the piece was finished meanwhile.
    bool take(std::int64_t piece, FileLock lock);
    bool held_here(std::int64_t piece) const;

    std::filesystem::path dir_;
    std::int64_t pieces_;
    std::function<std::filesystem::path(std::int64_t)> piece_path_;
    mutable std::mutex mutex_;
    std::map<std::int64_t, FileLock> held_;  // piece -> its lock
    std::vector<bool> seen_finished_;        // claim_next's memory of finished pieces
    bool gone_ = false;  // the folder went away: the job is over for this process
    WaitObserver wait_observer_;
};

// The report as JSON text and back (the render's record lists them).
std::string report_json(const PieceReport& report);
std::optional<PieceReport> parse_report(const std::string& text);

}  // namespace bgv::farm
