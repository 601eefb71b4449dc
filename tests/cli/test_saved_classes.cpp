// `bigganviz render --use_last_classes` with a damaged saved_vectors/run.json, run as a program:
// issue 11, items 8 and 13. The record is checked before the song or the model are touched.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/file.h"
#include "support/process.h"

namespace {

namespace fs = std::filesystem;

const fs::path kProgram = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";

// Classes [1e30] were read as class -2147483648, [] and 14 ids were accepted, and a bad record
// exited with the usage code 2. Each is one line and exit code 1.
TEST(SavedClasses, ADamagedRunRecordIsOneLineAndExitCodeOne) {
    const fs::path dir = bgv::test::fresh_temp_dir("saved_classes");
    const fs::path record = dir / "saved_vectors" / "run.json";
    const std::string prefix = "bigganviz: error: saved_vectors/run.json: ";
    const std::pair<std::string, std::string> cases[] = {
        {R"({"classes": [1e30]})", "classes: expected integers 0–999, got 1e+30"},
        {R"({"classes": []})", "classes: expected a list of 1–12 integers 0–999, got []"},
        {R"({"classes": [1,2,3,4,5,6,7,8,9,10,11,12,13,14]})",
         "classes: expected a list of 1–12 integers 0–999, got [1,2,3,4,5,6,7,8,9,10,11,12,13,14]"},
        {R"({"classes": [3, 7.5]})", "classes: expected integers 0–999, got 7.5"},
        {R"({"classes": [3, 7)",
         "invalid JSON at line 1, column 18: syntax error while parsing array - unexpected end "
         "of input; expected ']'"},
    };
    for (const auto& [json, message] : cases) {
        SCOPED_TRACE(json);
        bgv::write_file_atomic(record, json);
        const auto result =
            bgv::test::run_command("cd '" + dir.string() + "' && '" + kProgram.string() +
                                   "' --song song.wav --use_last_classes 2>&1");
        EXPECT_EQ(result.exit_code, 1);
        EXPECT_EQ(result.output, prefix + message + "\n");
    }
    fs::remove_all(dir);
}

}  // namespace
