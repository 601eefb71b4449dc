// Test support: running a command (the bigganviz binary, ffprobe, ffmpeg) and capturing what it
// prints, and fresh temporary folders. Header-only; tests include it as "support/process.h".
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

namespace bgv::test {

struct CommandResult {
    int exit_code = -1;  // -1 when the command did not exit normally (killed, not started)
    std::string output;  // standard output; add "2>&1" to the command to capture errors too
};

inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return result;
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        result.output.append(buffer, n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

inline std::string run_output(const std::string& command) {
    return run_command(command).output;
}

struct SeparateOutputs {
    int exit_code = -1;  // -1 when the command did not exit normally
    std::string out;     // standard output
    std::string err;     // standard error
};

// Runs `command` (a shell command line) with its standard output and standard error captured
// apart, through two files in `scratch` that are removed afterwards.
inline SeparateOutputs run_command_separately(const std::string& command,
                                              const std::filesystem::path& scratch) {
    const auto out = scratch / "stdout.txt";
    const auto err = scratch / "stderr.txt";
    const int status =
        std::system((command + " > '" + out.string() + "' 2> '" + err.string() + "'").c_str());
    const auto slurp = [](const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    SeparateOutputs result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = slurp(out);
    result.err = slurp(err);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return result;
}

// The folders fresh_temp_dir made, removed when the test program ends normally with every test
// passed (a failed or killed test keeps its folder to look at). Children that tests fork end with
// _exit and remove nothing.
class TempDirs {
  public:
    static TempDirs& instance() {
        static TempDirs dirs;
        return dirs;
    }
    void add(const std::filesystem::path& dir) { dirs_.push_back(dir); }
    ~TempDirs() {
        if (::testing::UnitTest::GetInstance()->Failed())
            return;
        for (const auto& dir : dirs_) {
            std::error_code ignored;
            std::filesystem::remove_all(dir, ignored);
        }
    }

  private:
    std::vector<std::filesystem::path> dirs_;
};

// An empty folder unique to this test process: "<tmp>/bgv_test_<name>_<pid>".
inline std::filesystem::path fresh_temp_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("bgv_test_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    TempDirs::instance().add(dir);
    return dir;
}

}  // namespace bgv::test
