// bigganviz's entry point: runs the command line and prints any error once, as one line.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"

namespace {

// With `2>&-` the next file opened would get descriptor 2, and every warning would be written
// into it (an output video, a cache). A closed standard descriptor is therefore taken by
// /dev/null opened read-only: writes to it fail, which stderr ignores and stdout reports.
void occupy_closed_standard_descriptors() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            const int opened = ::open("/dev/null", O_RDONLY);
            if (opened >= 0 && opened != fd) {
                ::dup2(opened, fd);
                ::close(opened);
            }
        }
    }
}

void print_error(const std::string& message) {
    bgv::log::write_ignoring_errors(stderr, "bigganviz: error: " + message + "\n");
}

// What a command printed is its result: output that did not reach stdout (a full disk, a closed
// pipe) is a failure, not success.
bool stdout_was_written() {
    errno = 0;
    if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0)
        return true;
    print_error(std::string("cannot write to standard output: ") +
                (errno != 0 ? std::strerror(errno) : "write error"));
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    occupy_closed_standard_descriptors();
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    try {
        const int code = bgv::cli::dispatch(arguments);
        if (!stdout_was_written())
            return 1;
        return code;
    } catch (const std::exception& error) {
        print_error(bgv::describe(error));
        return bgv::is_usage_error(error) ? 2 : 1;
    }
}
