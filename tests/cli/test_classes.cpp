// `bigganviz classes` run as a program on the random 2-layer MiniLM of tests/model/bert.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "support/process.h"

namespace bgv {
namespace {

namespace fs = std::filesystem;

const fs::path kBinary = fs::path(BGV_BINARY_DIR) / "src" / "cli" / "bigganviz";
const fs::path kTinyModel = fs::path(BGV_TEST_DATA) / "model" / "bert" / "data" / "tiny_minilm";

class Classes : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("bgv_test_classes_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& bytes) {
        write_file_atomic(dir_ / name, bytes);
        return dir_ / name;
    }

    // `stdout_to` sends the program's standard output to that file instead (e.g. "/dev/full").
    test::SeparateOutputs run(const std::string& arguments, const std::string& stdout_to = "") {
        // A private cache folder, so the test neither reads nor fills the user's.
        const std::string command = "BIGGANVIZ_CACHE='" + (dir_ / "cache").string() + "' '" +
                                    kBinary.string() + "' classes --threads 1 " + arguments;
        return test::run_command_separately(
            stdout_to.empty() ? command : "(" + command + " > '" + stdout_to + "')", dir_);
    }

    fs::path dir_;
};

TEST_F(Classes, JsonListsClassesAndTheClassOfEachTimedLine) {
    const auto lyrics = write("song.lrc",
                              "[ti:Song]\n[00:01.00]a dog on the beach\n"
                              "[00:03.00]a car in the rain\n[00:05.50]\n");
    const auto result = run("--lyrics '" + lyrics.string() + "' --text_weights '" +
                            kTinyModel.string() + "' -n 4 -es best --seed 9 --json");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const auto json = nlohmann::json::parse(result.out);
    ASSERT_EQ(json["classes"].size(), 4u);
    for (const auto& entry : json["classes"]) {
        EXPECT_GE(entry["id"].get<int>(), 0);
        EXPECT_LT(entry["id"].get<int>(), 1000);
        EXPECT_FALSE(entry["name"].get<std::string>().empty());
        EXPECT_LE(std::abs(entry["similarity"].get<double>()), 1.0 + 1e-6);
    }
    ASSERT_EQ(json["lines"].size(), 2u);
    EXPECT_DOUBLE_EQ(json["lines"][0]["start"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(json["lines"][1]["end"].get<double>(), 5.5);
    EXPECT_EQ(json["lines"][1]["text"], "a car in the rain");
    // The run stored the class-name embeddings in the private cache.
    EXPECT_TRUE(fs::exists(dir_ / "cache" / "derived"));
}

TEST_F(Classes, TheSameSeedDrawsTheSameClasses) {
    std::string lines;
    for (const char* word : {"dog", "cat", "car", "sea", "tree", "house", "bird", "boat", "rain"})
        lines += std::string("the ") + word + " in the night\n";
    const auto lyrics = write("song.txt", lines);
    const std::string args = "--lyrics '" + lyrics.string() + "' --text_weights '" +
                             kTinyModel.string() + "' -n 3 --json";
    const auto a = run(args + " --seed 11"), b = run(args + " --seed 11");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(nlohmann::json::parse(a.out)["classes"], nlohmann::json::parse(b.out)["classes"]);
    EXPECT_FALSE(nlohmann::json::parse(a.out).contains("lines"));
}

TEST_F(Classes, BadLyricsFilesFailWithOneLine) {
    for (const auto& [name, bytes, needle] :
         {std::tuple<std::string, std::string, std::string>{"empty.txt", "", "is empty"},
          {"latin1.txt", "caf\xe9\n", "not UTF-8"},
          {"binary.bin",
           std::string("\x7f"
                       "ELF\0\0",
                       6),
           "not a text file"}}) {
        const auto result = run("--lyrics '" + write(name, bytes).string() + "' --seed 1");
        EXPECT_EQ(result.exit_code, 1) << name;
        EXPECT_TRUE(result.err.starts_with("bigganviz: error: ")) << result.err;
        EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
        EXPECT_NE(result.err.find(needle), std::string::npos) << result.err;
    }
    EXPECT_EQ(run("-n 3").exit_code, 2);  // --lyrics is required
}

// Issue 11, item 6: a device as lyrics is refused at once, in one line, exit code 1.
TEST_F(Classes, LyricsFromADeviceAreRefused) {
    const auto result = run("--lyrics /dev/zero --seed 1");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.err,
              "bigganviz: error: /dev/zero: is a character device, expected a lyrics file\n");
}

// Issue 11, item 13: a missing --text_weights was reported as "--weights"; output that could not
// be written (`> /dev/full`) still exited 0.
TEST_F(Classes, NamesTheTextWeightsFlagAndFailsWhenStdoutCannotBeWritten) {
    const auto lyrics = write("song.txt", "a dog on the beach\n");
    const auto missing =
        run("--lyrics '" + lyrics.string() + "' --text_weights /nonexistent --seed 3");
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_EQ(missing.err,
              "bigganviz: error: --text_weights /nonexistent: no such file or folder\n");

    const auto full = run("--lyrics '" + lyrics.string() + "' --text_weights '" +
                              kTinyModel.string() + "' -n 1 --seed 3 -q",
                          "/dev/full");
    EXPECT_EQ(full.exit_code, 1) << full.err;
    EXPECT_TRUE(full.err.ends_with(
        "bigganviz: error: cannot write to standard output: No space left on device\n"))
        << full.err;
    EXPECT_EQ(std::count(full.err.begin(), full.err.end(), '\n'), 1) << full.err;
}

// Issue 11, item 14: the lyrics were read twice (once to fail fast, once to choose the classes),
// so every LRC warning was printed twice.
TEST_F(Classes, EachLyricsWarningIsPrintedOnce) {
    const auto lyrics = write("song.lrc", "[00:01.00]a dog on the beach\n[00:7x.00]broken\n");
    const auto result = run("--lyrics '" + lyrics.string() + "' --text_weights '" +
                            kTinyModel.string() + "' -n 1 --seed 3 -q");
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "warning: " + lyrics.string() +
                              ":2: malformed time stamp [00:7x.00]; line skipped\n");
}

}  // namespace
}  // namespace bgv
