// farm/piece_claims: real processes (fork) sharing the pieces of a folder: each piece made once,
// a killed holder's piece taken over, half-written pieces never counted, the end of the job seen.
// The processes tell the test where they are through pipes (a first claim held, a wait begun, from
// PieceClaims' wait observer), so that no outcome depends on how fast any of them runs.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <fstream>
#include <memory>
#include <set>

#include "core/file.h"
#include "farm/piece_claims.h"
#include "support/process.h"

using namespace bgv::farm;
namespace fs = std::filesystem;

namespace {

fs::path piece_file(const fs::path& dir, std::int64_t piece) {
    return dir / fmt::format("segment_{:06d}.mp4", piece);
}

std::unique_ptr<PieceClaims> claims_in(const fs::path& dir, std::int64_t pieces) {
    return std::make_unique<PieceClaims>(dir / "claims", pieces,
                                         [dir](std::int64_t p) { return piece_file(dir, p); });
}

// What a renderer does with a claim: write to "<piece>.tmp", rename, report. Each making is also
// logged (one line per piece made) so the test can count them.
void make_piece(const fs::path& dir, PieceClaims& claims, std::int64_t piece,
                const std::string& worker) {
    const fs::path path = piece_file(dir, piece);
    {
        std::ofstream tmp(path.string() + ".tmp");
        tmp << "piece " << piece << " by " << worker;
    }
    fs::rename(path.string() + ".tmp", path);
    {
        std::ofstream log(dir / "made.log", std::ios::app);
        log << piece << "\n";
    }
    claims.finish(piece, "host", worker, 0.5);
}

// A pipe whose ends a forked child and the test use to pass one small value at a time.
struct Pipe {
    Pipe() { EXPECT_EQ(::pipe(ends.data()), 0); }
    template <typename T>
    void send(const T& value) const {
        if (::write(ends[1], &value, sizeof value) != sizeof value)
            ::_exit(4);
    }
    template <typename T>
    T receive() const {
        T value{};
        EXPECT_EQ(::read(ends[0], &value, sizeof value), static_cast<ssize_t>(sizeof value));
        return value;
    }
    std::array<int, 2> ends{};
};

struct WorkerEvents {
    const Pipe* first_claim = nullptr;  // sends 1 once the worker holds its first claim ...
    const Pipe* go = nullptr;           // ... and waits for a byte here before making it
    const Pipe* waiting = nullptr;      // sends the piece and holder's pid of each wait
};

// Forks a worker that makes pieces until none is left; returns its pid.
pid_t start_worker(const fs::path& dir, std::int64_t pieces, const std::string& worker,
                   WorkerEvents events = {}) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        try {
            auto claims = claims_in(dir, pieces);
            if (events.waiting) {
                claims->set_wait_observer([&](std::int64_t piece, const auto& holder) {
                    events.waiting->send(piece);
                    events.waiting->send(holder ? holder->pid : 0L);
                });
            }
            for (bool first = true; auto piece = claims->claim_next(); first = false) {
                if (first && events.first_claim) {
                    events.first_claim->send(char{1});
                    events.go->receive<char>();
                }
                make_piece(dir, *claims, *piece, worker);
            }
            ::_exit(0);
        } catch (...) {
            ::_exit(3);
        }
    }
    return pid;
}

int exit_code(pid_t pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<std::int64_t> made(const fs::path& dir) {
    std::vector<std::int64_t> pieces;
    std::ifstream log(dir / "made.log");
    for (std::int64_t p; log >> p;)
        pieces.push_back(p);
    return pieces;
}

}  // namespace

TEST(FarmClaims, ThreeProcessesMakeEachPieceOnceAndAllTakePart) {
    const fs::path dir = bgv::test::fresh_temp_dir("farm_claims_three");
    constexpr std::int64_t kPieces = 12;
    // Each worker holds its first claim until all three hold one: all three take part.
    const Pipe first_claim, go;
    std::vector<pid_t> workers;
    for (int w = 0; w < 3; ++w)
        workers.push_back(
            start_worker(dir, kPieces, fmt::format("task {}", w), {&first_claim, &go}));
    for (int w = 0; w < 3; ++w)
        ASSERT_EQ(first_claim.receive<char>(), 1);
    for (int w = 0; w < 3; ++w)
        go.send(char{1});
    for (const pid_t pid : workers)
        EXPECT_EQ(exit_code(pid), 0);

    auto pieces = made(dir);
    ASSERT_EQ(pieces.size(), kPieces);
    EXPECT_EQ(std::set(pieces.begin(), pieces.end()).size(), kPieces);  // none made twice
    const auto claims = claims_in(dir, kPieces);
    EXPECT_EQ(claims->finished_count(), kPieces);
    EXPECT_TRUE(claims->all_finished());
    std::set<std::string> makers;
    for (const auto& report : claims->reports()) {
        ASSERT_TRUE(report.has_value());
        makers.insert(report->worker);
        EXPECT_EQ(report->host, "host");
        EXPECT_DOUBLE_EQ(report->seconds, 0.5);
    }
    EXPECT_EQ(makers, (std::set<std::string>{"task 0", "task 1", "task 2"}));
}

TEST(FarmClaims, AKilledHoldersPieceIsTakenOverAndItsHalfPieceNeverCounts) {
    const fs::path dir = bgv::test::fresh_temp_dir("farm_claims_kill");
    constexpr std::int64_t kPieces = 4;
    // A holder that writes half a piece and is killed (SIGKILL: no clean-up) while holding it.
    const Pipe ready;
    const pid_t holder = ::fork();
    if (holder == 0) {
        auto claims = claims_in(dir, kPieces);
        const auto piece = claims->claim_next();
        std::ofstream(piece_file(dir, *piece).string() + ".tmp") << "half";
        // A piece under its name but without its report: as if killed between rename and report.
        std::ofstream(piece_file(dir, 3)) << "unreported";
        ready.send(char{1});
        ::pause();
        ::_exit(0);
    }
    ASSERT_EQ(ready.receive<char>(), 1);
    {
        const auto claims = claims_in(dir, kPieces);
        EXPECT_FALSE(claims->finished(0));
        EXPECT_FALSE(claims->finished(3));  // no report: not trusted
    }
    // A worker started now takes pieces 1..3, then waits in piece 0's lock, which names its
    // holder, until the kill.
    const Pipe waiting;
    const pid_t worker = start_worker(dir, kPieces, "rank 1", {.waiting = &waiting});
    EXPECT_EQ(waiting.receive<std::int64_t>(), 0);
    EXPECT_EQ(waiting.receive<long>(), holder);
    EXPECT_EQ(made(dir).size(), 3U);
    ::kill(holder, SIGKILL);
    EXPECT_EQ(exit_code(holder), -1);
    EXPECT_EQ(exit_code(worker), 0);

    auto pieces = made(dir);
    std::sort(pieces.begin(), pieces.end());
    EXPECT_EQ(pieces, (std::vector<std::int64_t>{0, 1, 2, 3}));
    EXPECT_EQ(bgv::read_file_text(piece_file(dir, 0)), "piece 0 by rank 1");
    EXPECT_EQ(bgv::read_file_text(piece_file(dir, 3)), "piece 3 by rank 1");
    EXPECT_FALSE(fs::exists(piece_file(dir, 0).string() + ".tmp"));
    EXPECT_EQ(claims_in(dir, kPieces)->finished_count(), kPieces);
}

TEST(FarmClaims, APieceWhoseSizeDiffersFromItsReportIsNotFinished) {
    const fs::path dir = bgv::test::fresh_temp_dir("farm_claims_size");
    auto claims = claims_in(dir, 2);
    ASSERT_EQ(claims->claim_next(), 0);
    make_piece(dir, *claims, 0, "single");
    EXPECT_TRUE(claims->finished(0));
    std::ofstream(piece_file(dir, 0), std::ios::app) << "more";
    EXPECT_FALSE(claims->finished(0));
    EXPECT_EQ(claims->claim_next(), 0);  // made again
    // This process holds pieces 0 and 1 now: nothing is left for it, and it does not wait on
    // itself.
    EXPECT_EQ(claims->claim_next(), 1);
    EXPECT_EQ(claims->claim_next(), std::nullopt);
    claims->release(1);
    EXPECT_EQ(claims->claim_next(), 1);
}

TEST(FarmClaims, AWaiterStopsWhenTheFolderIsRemovedUnderIt) {
    const fs::path dir = bgv::test::fresh_temp_dir("farm_claims_gone");
    // The waiter is forked before the claim is taken: a forked child would inherit the claim's
    // descriptor, and with it the lock.
    const Pipe claimed, waiting;
    const pid_t waiter = ::fork();
    if (waiter == 0) {
        if (claimed.receive<char>() != 1)
            ::_exit(2);
        auto others = claims_in(dir, 1);
        others->set_wait_observer([&](std::int64_t piece, const auto&) { waiting.send(piece); });
        ::_exit(others->claim_next().has_value() ? 1 : 0);
    }
    auto claims = claims_in(dir, 1);
    ASSERT_EQ(claims->claim_next(), 0);
    claimed.send(char{1});
    // Once the waiter sleeps in the lock, the holder finishes the job and the folder goes (the
    // video was assembled).
    EXPECT_EQ(waiting.receive<std::int64_t>(), 0);
    fs::remove_all(dir);
    claims->release(0);
    EXPECT_EQ(exit_code(waiter), 0);
}

TEST(FarmClaims, ReportRoundTrip) {
    const PieceReport report{7, "node12", "rank 3", 12.25, 4096};
    const auto back = parse_report(report_json(report));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->piece, 7);
    EXPECT_EQ(back->host, "node12");
    EXPECT_EQ(back->worker, "rank 3");
    EXPECT_DOUBLE_EQ(back->seconds, 12.25);
    EXPECT_EQ(back->bytes, 4096U);
    EXPECT_FALSE(parse_report("{\"piece\": 1}").has_value());
}
