// The render under faults (issue 11): two renders racing for one output, an output that is the
// song or a folder, pieces that do not belong, saved vectors under a full disk and under two
// renders in one folder, cancelling through the hooks. Each test sets up the case that went wrong
// before and checks what happens now.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
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
// Now a render of seed 5 is stopped once its first piece is finished (its piece_finished hook
// waits for the test), a render of seed 6 into the same output is started then, and must be
// refused in one line, touching nothing; the first then finishes a video that is exactly its own.
TEST(RenderFaults, TwoRendersToOneOutputNeverSplice) {
    const fs::path dir = fresh_dir("race");
    const std::string seed5 = solo_frames(dir / "solo5", 5), seed6 = solo_frames(dir / "solo6", 6);
    ASSERT_NE(seed5, seed6);
    const fs::path shared = dir / "shared";
    fs::create_directories(shared);
    const auto a = one_second_in(shared, 5), b = one_second_in(shared, 6);
    int held[2], go[2];
    ASSERT_EQ(::pipe(held), 0);
    ASSERT_EQ(::pipe(go), 0);
    const pid_t pa = start_child(dir / "a.log", [&] {
        render::RenderHooks hooks;
        hooks.piece_finished = [&](std::int64_t piece) {
            char byte = 1;
            if (piece == 0 && (::write(held[1], &byte, 1) != 1 || ::read(go[0], &byte, 1) != 1))
                ::_exit(4);
        };
        render::render(a, stand_in(), hooks);
    });
    ::close(held[1]);  // so that the read below ends if the render ends without holding
    ::close(go[0]);
    char byte = 0;
    ASSERT_EQ(::read(held[0], &byte, 1), 1) << read_file_text(dir / "a.log");

    // The owner's heartbeat refreshes owner.json's time; every other file must stay as it was.
    const auto files = [&] {
        std::string kept;
        std::istringstream lines(listing(shared));
        for (std::string line; std::getline(lines, line);)
            kept += line.find("/owner.json") == std::string::npos ? line + "\n" : "";
        return kept;
    };
    const std::string before = files();
    const pid_t pb = start_child(dir / "b.log", [&] { render::render(b, stand_in()); });
    EXPECT_EQ(wait_exit_code(pb), 1);
    const std::string lb = read_file_text(dir / "b.log");
    const std::string refusal = fmt::format(
        "bigganviz: error: {}: another render is rendering into it (pid {} on {}); wait for it "
        "to finish or choose another output\n",
        (shared / "out.mp4.partial").string(), pa, render::host_name());
    EXPECT_TRUE(lb.ends_with(refusal)) << lb;
    EXPECT_EQ(lb.find("bigganviz: error:"), lb.size() - refusal.size()) << lb;
    EXPECT_EQ(files(), before);

    ASSERT_EQ(::write(go[1], &byte, 1), 1);
    EXPECT_EQ(wait_exit_code(pa), 0) << read_file_text(dir / "a.log");
    const std::string frames = decode_rgb(*a.output);
    EXPECT_TRUE(frames == seed5) << "not seed 5's video: "
                                 << first_difference(frames, seed5, kFrameBytes);
    EXPECT_FALSE(fs::exists(shared / "out.mp4.partial"));
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
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    EXPECT_EQ(
        captured.count(fmt::format("{}: taking over from a render that stopped (pid {} on {})",
                                   partial.string(), dead, render::host_name()),
                       bgv::log::Level::info),
        1U)
        << captured.text();
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
