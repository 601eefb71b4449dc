// bigganviz's entry point: runs the command line and prints any error once, as one line.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
    const std::vector<std::string> arguments(argv + 1, argv + argc);
    try {
        return bgv::cli::dispatch(arguments);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bigganviz: error: %s\n", bgv::describe(error).c_str());
        return bgv::is_usage_error(error) ? 2 : 1;
    }
}
