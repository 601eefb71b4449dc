// The render under faults (issue 11): two renders racing for one output, an output that is the
// song or a folder, pieces that do not belong, saved vectors under a full disk and under two
// renders in one folder, cancelling through the hooks. Each test sets up the case that went wrong
// before and checks what happens now.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>

#include "core/error.h"
#include "core/file.h"
#include "render/owner.h"
#include "render/saved_vectors.h"
#include "stand_in.h"

using namespace bgv;
using namespace bgv::test;

namespace {
// The first second of chords_3s.wav: 11 frames in 3 pieces.
bgv::render::RenderOptions one_second_in(const fs::path& dir, std::uint64_t seed) {
    auto o = options_in(dir, "chords_3s.wav");
    o.seed = seed;
    o.duration = 1.0;
    return o;
}

std::string solo_frames(const fs::path& dir, std::uint64_t seed) {
    const auto o = one_second_in(dir, seed);
    render::render(o, stand_in());
    return decode_rgb(*o.output);
}

constexpr std::size_t kFrameBytes = 32 * 32 * 3;

std::size_t count_lines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Every file under `dir` with its size and modification time, to show nothing changed.
std::string listing(const fs::path& dir) {
    std::string text;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        text += entry.path().string();
        if (entry.is_regular_file())
            text += fmt::format(" {} {}", entry.file_size(),
                                entry.last_write_time().time_since_epoch().count());
        text += "\n";
    }
    return text;
}
}  // namespace

// Before: both renders wrote into one .partial/, the first's video held 128 frames of the other.
TEST(RenderFaults, TwoRendersToOneOutputNeverSplice) {
    const fs::path dir = fresh_dir("race");
    const std::string seed5 = solo_frames(dir / "solo5", 5), seed6 = solo_frames(dir / "solo6", 6);
    ASSERT_NE(seed5, seed6);
    int refusals = 0;
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE(round);
        const fs::path shared = dir / "shared";
        fs::remove_all(shared);
        fs::create_directories(shared);
        const auto a = one_second_in(shared, 5), b = one_second_in(shared, 6);
        const auto slow = [](const fs::path&, double, int) {
            return std::make_unique<SlowGenerator>(5);
        };
        const pid_t pa = start_child(shared / "a.log", [&] { render::render(a, slow); });
        const pid_t pb = start_child(shared / "b.log", [&] { render::render(b, slow); });
        const int ca = wait_exit_code(pa), cb = wait_exit_code(pb);
        const std::string la = read_file_text(shared / "a.log"),
                          lb = read_file_text(shared / "b.log");
        ASSERT_TRUE(ca == 0 || cb == 0) << la << lb;
        for (const auto& [code, log] : {std::pair{ca, la}, std::pair{cb, lb}}) {
            if (code == 0)
                continue;
            ++refusals;
            EXPECT_EQ(code, 1);
            EXPECT_NE(log.find("another render is rendering into it (pid "), std::string::npos)
                << log;
            EXPECT_NE(log.find(" on " + render::host_name() + ")"), std::string::npos) << log;
            EXPECT_EQ(count_lines(log.substr(log.find("bigganviz: error:"))), 1u) << log;
        }
        // One whole video of one seed: the winner's when the other was refused, and its frames
        // exactly the solo render's (a frame of the other seed is over 15 levels off on average).
        const std::string frames = decode_rgb(*a.output);
        ASSERT_EQ(frames.size(), seed5.size());
        const int winner = ca != 0 ? 6 : cb != 0 ? 5 : frames == seed5 ? 5 : 6;
        const std::string& own = winner == 5 ? seed5 : seed6;
        EXPECT_TRUE(frames == own)
            << "not seed " << winner << "'s video: " << first_difference(frames, own, kFrameBytes);
        EXPECT_FALSE(fs::exists(shared / "out.mp4.partial"));
    }
    EXPECT_GE(refusals, 1) << "the renders never overlapped: the race was not tested";
    std::printf("refused in %d of 20 races\n", refusals);
    fs::remove_all(dir);
}

TEST(RenderFaults, ALiveOwnerIsRefusedAndNothingTouchedAStaleOneTakenOver) {
    const fs::path dir = fresh_dir("owner");
    auto o = options_in(dir, "chords_3s.wav");
    const fs::path partial = dir / "out.mp4.partial";
    {
        // A live owner of another render: this process, through its own claim.
        const auto owner =
            render::OutputOwner::claim(partial, "another", render::JoinPolicy::refuse);
        bgv::write_file_atomic(partial / "segment_000000.mp4", "the owner's piece");
        const std::string before = listing(dir);
        try {
            render::render(o, stand_in());
            ADD_FAILURE() << "a render owned by another was not refused";
        } catch (const Error& error) {
            EXPECT_EQ(describe(error),
                      fmt::format("{}: another render is rendering into it (pid {} on {}); wait "
                                  "for it to finish or choose another output",
                                  partial.string(), ::getpid(), render::host_name()));
        }
        EXPECT_EQ(listing(dir), before);
        EXPECT_FALSE(fs::exists(o.vectors_dir));
    }
    // A dead owner: its pid gone, its lock released with it.
    const pid_t dead = start_child(dir / "dead.log", [] {});
    wait_exit_code(dead);
    bgv::write_file_atomic(partial / "owner.json",
                           fmt::format(R"({{"identity_sha256": "x", "host": "{}", "pid": {}}})",
                                       render::host_name(), dead));
    testing::internal::CaptureStderr();
    render::render(o, stand_in());
    const std::string log = testing::internal::GetCapturedStderr();
    EXPECT_NE(log.find(fmt::format("taking over from a render that stopped (pid {}", dead)),
              std::string::npos)
        << log;
    EXPECT_TRUE(fs::exists(*o.output));
    fs::remove_all(dir);
}

// Before: `-o song.wav` overwrote the song with the video, exit 0.
TEST(RenderFaults, AnOutputThatIsTheSongIsRefusedBeforeAnyWork) {
    const fs::path dir = fresh_dir("output_is_song");
    fs::copy_file(render_data() / "chords_3s.wav", dir / "song.wav");
    fs::create_symlink(dir / "song.wav", dir / "link.wav");
    const auto song = read_file_bytes(dir / "song.wav");
    for (const fs::path& output : {dir / "song.wav", dir / "." / "song.wav", dir / "link.wav",
                                   dir / "sub" / ".." / "song.wav"}) {
        SCOPED_TRACE(output.string());
        auto o = options_in(dir, "chords_3s.wav");
        o.song = dir / "song.wav";
        o.output = output;
        try {
            render::render(o, stand_in());
            ADD_FAILURE() << "not refused";
        } catch (const Error& error) {
            EXPECT_FALSE(is_usage_error(error));
            EXPECT_EQ(describe(error), output.string() +
                                           ": is the song this render reads; the output must be "
                                           "another file");
        }
        EXPECT_EQ(read_file_bytes(dir / "song.wav"), song);
        EXPECT_FALSE(fs::exists(output.string() + ".partial"));
        EXPECT_FALSE(fs::exists(dir / "saved_vectors"));
    }
    fs::remove_all(dir);
}

// Before: `-o /`, `-o .`, `-o dir/` were refused only after the whole render, leaving
// "/.partial" or "..partial" behind.
TEST(RenderFaults, AnOutputThatIsAFolderIsRefusedBeforeAnyWork) {
    const fs::path dir = fresh_dir("output_is_folder");
    const fs::path cwd = fs::current_path();
    fs::current_path(dir);
    const std::vector<std::string> outputs = {"/",    ".",        "..",
                                              "sub/", "existing", (dir / "x/").string()};
    for (const std::string& output : outputs) {
        SCOPED_TRACE(output);
        fs::create_directories(dir / "existing");
        auto o = options_in(dir, "chords_3s.wav");
        o.output = output;
        const std::string before = listing(dir);
        try {
            render::render(o, stand_in());
            ADD_FAILURE() << "not refused";
        } catch (const Error& error) {
            EXPECT_EQ(describe(error), output + ": is a folder; the output must name a video file");
        }
        EXPECT_EQ(listing(dir), before);
        EXPECT_FALSE(fs::exists("/.partial"));
        EXPECT_FALSE(fs::exists(dir / "..partial"));
        EXPECT_FALSE(fs::exists(dir / "saved_vectors"));
    }
    fs::current_path(cwd);
    fs::remove_all(dir);
}
