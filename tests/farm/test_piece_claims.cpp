// farm/piece_claims: real processes (fork) sharing the pieces of a folder: each piece made once,
// a killed holder's piece taken over, half-written pieces never counted, the end of the job seen.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <memory>
#include <set>
#include <thread>

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
                const std::string& worker, std::chrono::milliseconds pause) {
    const fs::path path = piece_file(dir, piece);
    {
        std::ofstream tmp(path.string() + ".tmp");
        tmp << "piece " << piece << " by " << worker;
    }
    std::this_thread::sleep_for(pause);
    fs::rename(path.string() + ".tmp", path);
    {
        std::ofstream log(dir / "made.log", std::ios::app);
        log << piece << "\n";
    }
    claims.finish(piece, "host", worker, 0.5);
}

// Forks a worker that makes pieces until none is left; returns its pid.
pid_t start_worker(const fs::path& dir, std::int64_t pieces, const std::string& worker,
                   std::chrono::milliseconds pause) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        try {
            auto claims = claims_in(dir, pieces);
            while (auto piece = claims->claim_next())
                make_piece(dir, *claims, *piece, worker, pause);
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
    std::vector<pid_t> workers;
    for (int w = 0; w < 3; ++w)
        workers.push_back(
            start_worker(dir, kPieces, fmt::format("task {}", w), std::chrono::milliseconds(40)));
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
    EXPECT_GE(makers.size(), 2U);  // the pieces went to more than one process
}

TEST(FarmClaims, AKilledHoldersPieceIsTakenOverAndItsHalfPieceNeverCounts) {
    const fs::path dir = bgv::test::fresh_temp_dir("farm_claims_kill");
    constexpr std::int64_t kPieces = 4;
    // A holder that writes half a piece and is killed (SIGKILL: no clean-up) while holding it.
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t holder = ::fork();
    if (holder == 0) {
        auto claims = claims_in(dir, kPieces);
        const auto piece = claims->claim_next();
        std::ofstream(piece_file(dir, *piece).string() + ".tmp") << "half";
        // A piece under its name but without its report: as if killed between rename and report.
        std::ofstream(piece_file(dir, 3)) << "unreported";
        [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
        ::pause();
        ::_exit(0);
    }
    char byte;
    ASSERT_EQ(::read(ready[0], &byte, 1), 1);
    {
        const auto claims = claims_in(dir, kPieces);
        EXPECT_FALSE(claims->finished(0));
        EXPECT_FALSE(claims->finished(3));  // no report: not trusted
    }
    // A worker started now takes pieces 1..3, then waits in piece 0's lock until the kill.
    const pid_t worker = start_worker(dir, kPieces, "rank 1", std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
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
    make_piece(dir, *claims, 0, "single", std::chrono::milliseconds(0));
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
    int claimed[2];
    ASSERT_EQ(::pipe(claimed), 0);
    const pid_t waiter = ::fork();
    if (waiter == 0) {
        char byte;
        if (::read(claimed[0], &byte, 1) != 1)
            ::_exit(2);
        auto others = claims_in(dir, 1);
        ::_exit(others->claim_next().has_value() ? 1 : 0);
    }
    auto claims = claims_in(dir, 1);
    ASSERT_EQ(claims->claim_next(), 0);
    ASSERT_EQ(::write(claimed[1], "x", 1), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    // The holder finishes the job and the folder goes (the video was assembled).
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
