// saved_vectors/ changes as one set or not at all (issue 11): a full disk while the new set is
// written leaves the old set readable by --use_last_vectors; two renders saving into one folder at
// once leave one whole set, never files of both.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <map>
#include <set>

#include "core/file.h"
#include "core/npy.h"
#include "render/saved_vectors.h"
#include "stand_in.h"

using namespace bgv;
using namespace bgv::test;

namespace {
struct SavedSet {
    std::vector<std::byte> classes, noise;
    nlohmann::json record;
    // The record names the folder it was rendered in; the set is told by its seed.
    bool operator==(const SavedSet& other) const {
        return classes == other.classes && noise == other.noise &&
               record.at("seed") == other.record.at("seed");
    }
};

SavedSet read_set(const fs::path& dir) {
    return {read_file_bytes(dir / render::kClassVectorsFile),
            read_file_bytes(dir / render::kNoiseVectorsFile),
            nlohmann::json::parse(read_file_text(dir / render::kSavedRecordFile))};
}

// Nothing but the set itself: no half-written sibling folder left beside it.
void expect_no_leftovers(const fs::path& dir) {
    for (const auto& entry : fs::directory_iterator(dir.parent_path())) {
        const std::string name = entry.path().filename().string();
        EXPECT_EQ(name.find(".new-"), std::string::npos) << name;
    }
}
// Two frames of vectors: noise 0.25 everywhere, class 7 alone.
choreo::Vectors two_frames_of_class_7() {
    choreo::Vectors v;
    v.count = 2;
    v.noise.assign(2 * choreo::kNoiseSize, 0.25);
    v.classes.assign(2 * choreo::kImageNetClasses, 0.0);
    v.classes[7] = 1.0;
    return v;
}

// Issue 11, item 8: NaN or huge saved vectors rendered flat grey frames with exit 0; now
// --use_last_vectors stops on them in one line naming the folder, the row and the column.
TEST(RenderSavedVectorSet, NanOrHugeSavedVectorsAreRefused) {
    const fs::path dir = fresh_dir("vectors_nan");
    choreo::Vectors v = two_frames_of_class_7();
    fs::create_directories(dir / "saved_vectors");
    write_npy(dir / "saved_vectors" / render::kClassVectorsFile, std::span<const double>(v.classes),
              {2, choreo::kImageNetClasses});
    for (const double bad : {std::nan(""), 1e30}) {
        v.noise[choreo::kNoiseSize + 5] = bad;
        write_npy(dir / "saved_vectors" / render::kNoiseVectorsFile,
                  std::span<const double>(v.noise), {2, choreo::kNoiseSize});
        auto o = options_in(dir, "chords_3s.wav");
        o.use_last_vectors = true;
        o.seed.reset();
        try {
            render::render(o, stand_in());
            ADD_FAILURE() << "accepted " << bad;
        } catch (const Error& e) {
            const std::string message = describe(e);
            EXPECT_NE(message.find("saved_vectors: noise vector 1 has "), std::string::npos)
                << message;
            EXPECT_NE(message.find("at column 5"), std::string::npos) << message;
        }
    }
    fs::remove_all(dir);
}

}  // namespace

// Before: new class vectors beside old noise vectors and an old run.json; the old set was lost
// and --use_last_vectors failed.
TEST(RenderSavedVectorSet, AFullDiskLeavesTheOldSetUsable) {
    const fs::path dir = fresh_dir("vectors_disk_full");
    auto o = options_in(dir, "chords_3s.wav");
    render::render(o, stand_in());
    const SavedSet old = read_set(o.vectors_dir);
    const std::string old_video = decode_rgb(*o.output);
    fs::remove(*o.output);

    // Files may grow to 100 kB: the class vectors (33 x 1000 float64, 264 kB) cannot be written.
    auto bigger = o;
    bigger.seed = 6;
    const pid_t child = start_child(dir / "full.log", [&] {
        const rlimit limit{100'000, 100'000};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
        render::render(bigger, stand_in());
    });
    EXPECT_EQ(wait_exit_code(child), 1);
    const std::string log = read_file_text(dir / "full.log");
    EXPECT_NE(log.find("write failed"), std::string::npos) << log;
    EXPECT_TRUE(read_set(o.vectors_dir) == old) << "the old set changed";
    expect_no_leftovers(o.vectors_dir);

    auto again = o;
    again.use_last_vectors = true;
    again.seed.reset();
    render::render(again, stand_in());
    // The old vectors' video again, exactly.
    const std::string frames = decode_rgb(*o.output);
    EXPECT_TRUE(frames == old_video) << first_difference(frames, old_video, 32 * 32 * 3);
    fs::remove_all(dir);
}

// Before: the files of two renders mixed in 4 of 6 tries.
TEST(RenderSavedVectorSet, TwoRendersInOneFolderNeverMix) {
    const fs::path dir = fresh_dir("vectors_two_renders");
    std::map<int, SavedSet> solo;
    for (const int seed : {5, 6}) {
        auto o = options_in(dir / fmt::format("solo{}", seed), "short_0p3s.wav");
        o.seed = seed;
        render::render(o, stand_in());
        solo[seed] = read_set(o.vectors_dir);
    }
    ASSERT_FALSE(solo[5].classes == solo[6].classes);
    for (int round = 0; round < 20; ++round) {
        SCOPED_TRACE(round);
        const fs::path shared = dir / "shared";
        fs::remove_all(shared);
        fs::create_directories(shared);
        std::vector<pid_t> children;
        for (const int seed : {5, 6}) {
            auto o = options_in(shared, "short_0p3s.wav");
            o.seed = seed;
            o.output = shared / fmt::format("out{}.mp4", seed);
            children.push_back(start_child(shared / fmt::format("{}.log", seed),
                                           [o] { render::render(o, stand_in()); }));
        }
        for (const pid_t child : children)
            EXPECT_EQ(wait_exit_code(child), 0);
        const SavedSet saved = read_set(shared / "saved_vectors");
        const int seed = saved.record.at("seed").get<int>();
        ASSERT_TRUE(seed == 5 || seed == 6) << seed;
        EXPECT_TRUE(saved == solo[seed]) << "files of both renders in saved_vectors/";
        expect_no_leftovers(shared / "saved_vectors");
    }
    fs::remove_all(dir);
}

TEST(RenderSavedVectorSet, TheOriginalToolsFilesAreStillRead) {
    // The original tool's folder: only the two .npy files, no record.
    const fs::path dir = fresh_dir("vectors_original");
    choreo::Vectors v = two_frames_of_class_7();
    v.classes[1000 + 42] = 0.5;
    fs::create_directories(dir / "saved_vectors");
    write_npy(dir / "saved_vectors" / render::kClassVectorsFile, std::span<const double>(v.classes),
              {2, choreo::kImageNetClasses});
    write_npy(dir / "saved_vectors" / render::kNoiseVectorsFile, std::span<const double>(v.noise),
              {2, choreo::kNoiseSize});
    // Without a record, the classes are the columns the class vectors use.
    EXPECT_EQ(render::load_saved_classes(dir / "saved_vectors"), (std::vector<int>{7, 42}));
    // Rendered again with --use_last_vectors: the saved values are the plan's.
    auto o = options_in(dir, "chords_3s.wav");
    o.use_last_vectors = true;
    o.seed.reset();
    o.duration = 0.3;  // 4 frames at this rate: more than the 2 saved, so the video stops at 2
    render::render(o, stand_in());
    const auto saved = read_saved_vectors(dir / "saved_vectors");
    EXPECT_EQ(saved.noise, v.noise);
    EXPECT_EQ(saved.classes, v.classes);
    EXPECT_EQ(render::load_saved_classes(dir / "saved_vectors"), (std::vector<int>{7, 42}));
    // Replaced as one set by a new render's: the record appears with the new files.
    v.classes[7] = 0.0;
    v.classes[3] = 1.0;
    save_vectors_as_a_render(dir / "saved_vectors", v, {{"classes", {3, 42}}});
    EXPECT_EQ(read_saved_vectors(dir / "saved_vectors").classes, v.classes);
    EXPECT_EQ(render::load_saved_classes(dir / "saved_vectors"), (std::vector<int>{3, 42}));
    expect_no_leftovers(dir / "saved_vectors");
    fs::remove_all(dir);
}
