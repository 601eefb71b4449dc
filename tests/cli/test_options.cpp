#include <gtest/gtest.h>

#include "cli/options.h"
#include "core/error.h"
#include "farm/launch.h"
#include "render/options.h"

namespace {
using bgv::cli::Args;

const std::vector<std::string> kRenderLike = {
    "song",          "resolution",  "duration",    "pitch_sensitivity", "tempo_sensitivity",
    "classes",       "num_classes", "jitter",      "frame_length",      "truncation",
    "smooth_factor", "batch_size",  "output_file", "use_last_vectors",  "use_last_classes",
    "sort_by_power", "lyrics",      "encoding",    "encoding_strategy", "seed"};

Args parse(std::vector<std::string> argv) {
    return bgv::cli::parse_args(argv, kRenderLike, "render");
}

std::string error_of(std::vector<std::string> argv) {
    try {
        parse(std::move(argv));
    } catch (const bgv::UsageError& e) {
        return e.what();
    }
    return "(no error)";
}
}  // namespace

TEST(Options, AcceptsTheOriginalSpellings) {
    Args a =
        parse({"-s", "song.mp3", "-ps",  "250", "-ts", "0.5", "-fl", "1024", "-sf", "15", "-bs",
               "8",  "-es",      "best", "-n",  "3",   "-c",  "1",   "2",    "3",   "-t", "0.4"});
    EXPECT_EQ(a.text("song"), "song.mp3");
    EXPECT_EQ(a.integer("pitch_sensitivity"), 250);
    EXPECT_DOUBLE_EQ(a.number("tempo_sensitivity"), 0.5);
    EXPECT_EQ(a.integer("frame_length"), 1024);
    EXPECT_EQ(a.integer("smooth_factor"), 15);
    EXPECT_EQ(a.integer("batch_size"), 8);
    EXPECT_EQ(a.text("encoding_strategy"), "best");
    EXPECT_EQ(a.integers("classes"), (std::vector<std::int64_t>{1, 2, 3}));
    EXPECT_DOUBLE_EQ(a.number("truncation"), 0.4);
}

TEST(Options, AcceptsUnderscoresDashesAndEquals) {
    Args a = parse({"--pitch_sensitivity", "210", "--tempo-sensitivity=0.3", "--sort-by-power",
                    "--use_last_classes"});
    EXPECT_EQ(a.integer("pitch_sensitivity"), 210);
    EXPECT_DOUBLE_EQ(a.number("tempo_sensitivity"), 0.3);
    EXPECT_TRUE(a.flag("sort_by_power"));
    EXPECT_TRUE(a.flag("use_last_classes"));
    EXPECT_FALSE(a.flag("use_last_vectors"));
}

TEST(Options, DefaultsAreTheOriginalOnes) {
    Args a = parse({});
    EXPECT_EQ(a.integer("resolution"), 512);
    EXPECT_EQ(a.integer("pitch_sensitivity"), 220);
    EXPECT_DOUBLE_EQ(a.number("tempo_sensitivity"), 0.25);
    EXPECT_EQ(a.integer("num_classes"), 12);
    EXPECT_DOUBLE_EQ(a.number("jitter"), 0.5);
    EXPECT_EQ(a.integer("frame_length"), 512);
    EXPECT_DOUBLE_EQ(a.number("truncation"), 1.0);
    EXPECT_EQ(a.integer("smooth_factor"), 20);
    EXPECT_EQ(a.integer("batch_size"), 20);
    EXPECT_THROW(a.text("song"), bgv::UsageError);
}

TEST(Options, OutOfRangeValuesNameFlagValueAndRange) {
    EXPECT_EQ(error_of({"-ps", "150"}), "-ps 150: not allowed, expected an integer 200–295");
    EXPECT_EQ(error_of({"-fl", "500"}),
              "-fl 500: not allowed, expected an integer 64–16384, a multiple of 64");
    EXPECT_EQ(error_of({"-t", "1.5"}), "-t 1.5: not allowed, expected a number 0.1–1");
    EXPECT_EQ(error_of({"-r", "300"}), "-r 300: not allowed, expected one of 128, 256, 512");
    EXPECT_EQ(error_of({"-c", "5", "1000"}), "-c 1000: not allowed, expected an integer 0–999");
    EXPECT_EQ(error_of({"-ts", "fast"}), "-ts fast: not allowed, expected a number 0.05–0.8");
    EXPECT_EQ(error_of({"-n"}), "-n: expected a value (an integer 1–12)");
    EXPECT_EQ(error_of({"--bogus"}),
              "unknown option '--bogus' for `bigganviz render` (see --help)");
    EXPECT_EQ(error_of({"-n", "3", "--num_classes", "4"}), "--num_classes given twice");
    EXPECT_EQ(error_of({"song.mp3"}),
              "unexpected argument 'song.mp3' (see `bigganviz render --help`)");
}

// Issue 18, item 12: "--shard -1/2" was answered "--shard: expected a value", as if -1/2 were a
// flag. A dash followed by a digit is a value, so the value's own check speaks.
TEST(Options, AValueStartingWithADashAndADigitIsAValue) {
    const Args shard = bgv::cli::parse_args(std::vector<std::string>{"--shard", "-1/2"},
                                            std::vector<std::string>{"shard"}, "render");
    EXPECT_EQ(shard.text("shard"), "-1/2");
    try {
        bgv::farm::parse_shard(shard.text("shard"));
        ADD_FAILURE() << "--shard -1/2 accepted";
    } catch (const bgv::UsageError& error) {
        EXPECT_STREQ(error.what(), "--shard -1/2: expected I/N with 0 <= I < N, e.g. 0/4");
    }
    EXPECT_EQ(error_of({"-c", "5", "-1"}), "-c -1: not allowed, expected an integer 0–999");
    EXPECT_EQ(error_of({"-n", "-2x"}), "-n -2x: not allowed, expected an integer 1–12");
    EXPECT_EQ(error_of({"-n", "-x"}), "-n: expected a value (an integer 1–12)");
}

TEST(Options, HelpShowsSpellingsDefaultsAndRanges) {
    const std::string help = bgv::cli::help_text("render", "make a video", kRenderLike);
    EXPECT_NE(help.find("-ps, --pitch_sensitivity N"), std::string::npos) << help;
    EXPECT_NE(help.find("[default: 220] [an integer 200–295]"), std::string::npos) << help;
    EXPECT_NE(help.find("-c, --classes ID ..."), std::string::npos) << help;
}

TEST(Options, PositionalWordsOnlyForCommandsThatTakeThem) {
    const std::vector<std::string> accepted = {"json", "threads", "classes"};
    const std::vector<std::string> argv = {"fetch", "--threads", "4", "biggan-deep-128", "--json"};
    const Args a = bgv::cli::parse_args(argv, accepted, "models", true);
    EXPECT_EQ(a.words(), (std::vector<std::string>{"fetch", "biggan-deep-128"}));
    EXPECT_EQ(a.integer("threads"), 4);  // a flag's value is not a word
    EXPECT_TRUE(a.flag("json"));
    EXPECT_THROW(bgv::cli::parse_args(argv, accepted, "models"), bgv::UsageError);
    const std::string help =
        bgv::cli::help_text("models", "the store", accepted, "list | path NAME");
    EXPECT_TRUE(help.starts_with("usage: bigganviz models list | path NAME [options]")) << help;
}

TEST(Options, HelpListsTheOriginalToolsFlagsFirst) {
    std::vector<std::string> accepted = kRenderLike;
    accepted.insert(accepted.begin() + 3, {"fps", "choreography", "pulse"});
    const std::string help = bgv::cli::help_text("render", "make a video", accepted);
    const auto original = help.find("options of the original tool");
    const auto own = help.find("bigganviz's own options:");
    ASSERT_NE(original, std::string::npos) << help;
    ASSERT_NE(own, std::string::npos) << help;
    EXPECT_LT(original, own);
    // Every original flag comes before the own header, every new one after it.
    for (const std::string flag : {"--song", "--frame_length", "--encoding_strategy"})
        EXPECT_LT(help.find(flag), own) << flag;
    for (const std::string flag : {"--fps", "--choreography", "--pulse", "--seed"})
        EXPECT_GT(help.find(flag), own) << flag;
    // A command with only bigganviz's own options has one plain list.
    const std::vector<std::string> own_only = {"json", "threads"};
    const std::string plain = bgv::cli::help_text("models", "the store", own_only);
    EXPECT_NE(plain.find("\noptions:\n"), std::string::npos) << plain;
    EXPECT_EQ(plain.find("original tool"), std::string::npos) << plain;
}

TEST(Options, FrameRateIsExactAndExcludesFrameLength) {
    const std::vector<std::string> accepted = {"fps", "frame_length"};
    const auto rate = [&](std::vector<std::string> argv) {
        const auto args = bgv::cli::parse_args(argv, accepted, "render");
        return bgv::render::render_options_from(bgv::cli::render_values(args)).fps;
    };
    EXPECT_FALSE(rate({"-fl", "1024"}).has_value());
    EXPECT_EQ(rate({"--fps", "30"}), (bgv::FrameRate{30, 1}));
    EXPECT_EQ(rate({"--fps", "24"}), (bgv::FrameRate{24, 1}));
    EXPECT_EQ(rate({"--fps", "23.976"}), (bgv::FrameRate{24000, 1001}));
    EXPECT_EQ(rate({"--fps", "29.97"}), (bgv::FrameRate{30000, 1001}));
    EXPECT_EQ(rate({"--fps", "12.5"}), (bgv::FrameRate{25, 2}));
    EXPECT_EQ(rate({"--fps", "120"}), (bgv::FrameRate{120, 1}));
    EXPECT_THROW(rate({"--fps", "0.5"}), bgv::UsageError);
    EXPECT_THROW(rate({"--fps", "121"}), bgv::UsageError);
    try {
        rate({"--fps", "30", "-fl", "512"});
        ADD_FAILURE() << "no error";
    } catch (const bgv::UsageError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "--frame_length and --fps both set the frame rate: give one of them");
    }
}

// --precision is a render option with the enum behind it: the command line, a studio request's
// JSON and the identity read it; fp32 is the default; another word is refused naming the choices.
TEST(Options, PrecisionIsATypedRenderOption) {
    using bgv::biggan::Precision;
    const std::vector<std::string> accepted = {"precision"};
    const auto precision = [&](std::vector<std::string> argv) {
        const auto args = bgv::cli::parse_args(argv, accepted, "render");
        return bgv::render::render_options_from(bgv::cli::render_values(args)).precision;
    };
    EXPECT_EQ(precision({}), Precision::fp32);
    EXPECT_EQ(precision({"--precision", "bf16"}), Precision::bf16);
    EXPECT_EQ(precision({"--precision=fp32"}), Precision::fp32);
    try {
        precision({"--precision", "fp16"});
        ADD_FAILURE() << "no error";
    } catch (const bgv::UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("fp32, bf16"), std::string::npos) << e.what();
    }
    const auto from_json = bgv::render::render_options_from_json(
        nlohmann::json{{"precision", "bf16"}}, bgv::render::RenderOptions{});
    EXPECT_EQ(from_json.precision, Precision::bf16);
    EXPECT_EQ(bgv::render::options_json(from_json, true).at("precision"), "bf16");
    EXPECT_EQ(bgv::render::options_json(bgv::render::RenderOptions{}, true).at("precision"),
              "fp32");
}
