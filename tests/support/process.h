// Test support: running a command (the bigganviz binary, ffprobe, ffmpeg) and capturing what it
// prints, at its end or as it goes, and fresh temporary folders. Header-only; tests include it as
// "support/process.h".
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
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

// A shell command line started in the background, its standard output and error coming back
// through one pipe as they are written. A test waits for a line the program writes at a known point
// (the render's test hold: render/hooks.h), acts on the process, then reads the rest. The pid is
// the shell's; a line that starts with `exec` makes it the program's.
class RunningCommand {
  public:
    explicit RunningCommand(const std::string& command) {
        int ends[2];
        if (::pipe(ends) != 0)
            return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::dup2(ends[1], 1);
            ::dup2(ends[1], 2);
            ::close(ends[0]);
            ::close(ends[1]);
            ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(ends[1]);
        output_fd_ = ends[0];
    }
    ~RunningCommand() { finish(); }
    RunningCommand(const RunningCommand&) = delete;
    RunningCommand& operator=(const RunningCommand&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& output() const { return output_; }

    // Reads until `text` has appeared `times` times in the output: false when the output ended
    // first (the command ended, or closed its output).
    bool wait_for(const std::string& text, int times = 1) {
        for (;;) {
            int seen = 0;
            for (auto at = output_.find(text); at != std::string::npos;
                 at = output_.find(text, at + 1))
                ++seen;
            if (seen >= times)
                return true;
            if (!read_some())
                return false;
        }
    }

    // Reads the output to its end and waits for the command: its exit code, or 128 + the signal
    // that ended it.
    int finish() {
        while (read_some()) {
        }
        if (pid_ > 0) {
            int status = 0;
            ::waitpid(pid_, &status, 0);
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            pid_ = -1;
        }
        return exit_code_;
    }

  private:
    bool read_some() {
        if (output_fd_ < 0)
            return false;
        char buffer[4096];
        const ssize_t n = ::read(output_fd_, buffer, sizeof buffer);
        if (n > 0) {
            output_.append(buffer, static_cast<std::size_t>(n));
            return true;
        }
        if (n < 0 && errno == EINTR)
            return true;
        ::close(output_fd_);
        output_fd_ = -1;
        return false;
    }

    pid_t pid_ = -1;
    int output_fd_ = -1;
    std::string output_;
    int exit_code_ = -1;
};

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
