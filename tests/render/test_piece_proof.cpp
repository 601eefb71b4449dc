// Resume under faults (issue 11): pieces in <output>.partial/ that do not belong (copied from
// another render, bytes flipped, cut short) are made again with one line each; a render cancelled
// through its hooks keeps its pieces and resumes; the resume line counts frames correctly.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "core/file.h"
#include "core/log.h"
#include "stand_in.h"

using namespace bgv;
using namespace bgv::test;

namespace {

// Resumes `o` after `damage` was done to its unfinished render; the warnings it gave.
template <typename Damage>
std::vector<std::string> resume_after(const render::RenderOptions& o, Damage damage) {
    render_killed_after(o, 11, 2);
    damage(fs::path(o.output->string() + ".partial"));
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    return captured.messages(bgv::log::Level::warn);
}
}  // namespace

TEST(RenderPieceProof, PiecesThatDoNotBelongAreMadeAgainWithOneLineEach) {
    const fs::path dir = fresh_dir("proof");
    const auto clean = options_in(dir / "clean", "chords_3s.wav");
    render::render(clean, stand_in());
    const std::string expected = decode_rgb(*clean.output);

    // Pieces of another render (seed 6) of the same song, to copy from.
    auto other = options_in(dir / "other", "chords_3s.wav");
    other.seed = 6;
    render_killed_after(other, 11, 2);
    const fs::path foreign = other.output->string() + ".partial";

    struct Case {
        std::string name, reason;
        std::function<void(const fs::path&)> damage;
    };
    const std::vector<Case> cases = {
        // Before: used as it was, 4 foreign frames in the video, exit 0.
        {"foreign", "segment_000001.mp4: rendering it again: it belongs to another render",
         [&](const fs::path& partial) {
             for (const char* name : {"segment_000001.mp4", "segment_000001.json"})
                 fs::copy_file(foreign / name, partial / name,
                               fs::copy_options::overwrite_existing);
         }},
        // Before: 4 changed frames.
        {"flipped",
         "segment_000000.mp4: rendering it again: its bytes differ from those recorded when it "
         "was finished",
         [](const fs::path& partial) {
             std::fstream file(partial / "segment_000000.mp4",
                               std::ios::in | std::ios::out | std::ios::binary);
             file.seekp(
                 static_cast<std::streamoff>(fs::file_size(partial / "segment_000000.mp4") / 2));
             file.write("\xff\x00\xff\x00\xff\x00\xff\x00", 8);
         }},
        // Before: every rerun failed with a two-line FFmpeg error.
        {"truncated",
         "segment_000001.mp4: rendering it again: its bytes differ from those recorded when it "
         "was finished",
         [](const fs::path& partial) {
             const fs::path piece = partial / "segment_000001.mp4";
             fs::resize_file(piece, fs::file_size(piece) / 2);
         }},
        {"foreign without its record",
         "segment_000001.mp4: rendering it again: its bytes differ from those recorded when it "
         "was finished",
         [&](const fs::path& partial) {
             fs::copy_file(foreign / "segment_000001.mp4", partial / "segment_000001.mp4",
                           fs::copy_options::overwrite_existing);
         }},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        const auto o = options_in(dir / "damaged", "chords_3s.wav");
        // One line naming the piece and why.
        EXPECT_EQ(resume_after(o, c.damage),
                  std::vector<std::string>{o.output->string() + ".partial/" + c.reason});
        // The damaged piece's frames are exactly the clean render's again, not the other seed's.
        const std::string frames = decode_rgb(*o.output);
        EXPECT_TRUE(frames == expected) << first_difference(frames, expected, 32 * 32 * 3);
        fs::remove_all(dir / "damaged");
    }
    fs::remove_all(dir);
}

TEST(RenderPieceProof, ACancelledRenderKeepsItsPiecesAndResumes) {
    const fs::path dir = fresh_dir("cancel");
    const auto clean = options_in(dir / "clean", "chords_3s.wav");
    render::render(clean, stand_in());
    const auto o = options_in(dir / "cancelled", "chords_3s.wav");

    std::atomic<bool> cancel{false};
    std::vector<std::pair<std::int64_t, std::int64_t>> seen;
    render::RenderHooks hooks;
    hooks.cancel = &cancel;
    hooks.progress = [&](std::int64_t done, std::int64_t total) {
        seen.emplace_back(done, total);
        if (done >= 10)
            cancel = true;
    };
    EXPECT_THROW(render::render(o, stand_in(), hooks), render::Cancelled);
    const fs::path partial = o.output->string() + ".partial";
    EXPECT_TRUE(fs::exists(partial / "segment_000001.json"));
    EXPECT_FALSE(fs::exists(partial / "segment_000002.mp4"));
    EXPECT_FALSE(fs::exists(*o.output));
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front(), (std::pair<std::int64_t, std::int64_t>{3, 33}));
    EXPECT_EQ(seen.back().first, 11);  // stopped after the batch that crossed 10

    const bgv::log::Capture captured;
    cancel = false;
    seen.clear();
    hooks.progress = [&](std::int64_t done, std::int64_t total) { seen.emplace_back(done, total); };
    render::render(o, stand_in(), hooks);
    EXPECT_EQ(
        captured.count("resuming from frame 8 of 33 (2 of 9 pieces done)", bgv::log::Level::info),
        1U)
        << captured.text();
    EXPECT_EQ(seen.back(), (std::pair<std::int64_t, std::int64_t>{33, 33}));
    const std::string frames = decode_rgb(*o.output), expected = decode_rgb(*clean.output);
    EXPECT_TRUE(frames == expected) << first_difference(frames, expected, 32 * 32 * 3);
    fs::remove_all(dir);
}

// Before: "resuming from frame 2048 of 1975" when every piece was done but the video was not.
TEST(RenderPieceProof, AllPiecesDoneIsSaidAsSuch) {
    const fs::path dir = fresh_dir("all_done");
    const auto o = options_in(dir, "chords_3s.wav");
    std::atomic<bool> cancel{false};
    render::RenderHooks hooks;
    hooks.cancel = &cancel;
    hooks.progress = [&](std::int64_t done, std::int64_t total) { cancel = done == total; };
    EXPECT_THROW(render::render(o, stand_in(), hooks), render::Cancelled);
    EXPECT_TRUE(fs::exists(o.output->string() + ".partial/segment_000008.json"));
    const bgv::log::Capture captured;
    render::render(o, stand_in());
    EXPECT_EQ(
        captured.count("all 9 pieces are finished; assembling the video", bgv::log::Level::info),
        1U)
        << captured.text();
    EXPECT_EQ(captured.count("resuming"), 0U) << captured.text();
    EXPECT_TRUE(fs::exists(*o.output));
    fs::remove_all(dir);
}
