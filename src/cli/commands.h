// cli/commands: the subcommands of bigganviz (render is the default one), each a function from
// checked Args to an exit code, and the dispatcher that main calls.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "cli/options.h"
#include "render/renderer.h"

namespace bgv::cli {

struct Command {
    std::string name;
    std::string summary;
    std::vector<std::string> options;  // keys into option_table(), in --help order
    int (*run)(const Args& args);
    std::string words = {};  // non-empty: the command takes positional words, described so
};

const std::vector<Command>& commands();

// Runs the command line (without argv[0]); returns the exit code. Errors propagate as exceptions.
int dispatch(std::span<const std::string> arguments);

// One function per subcommand, each in its own cmd_<name>.cpp, listed in commands().
int run_render(const Args& args);
int run_analyze(const Args& args);
int run_classes(const Args& args);
int run_models(const Args& args);
int run_generate(const Args& args);
int run_studio(const Args& args);
int run_live(const Args& args);

// The command named `name` (an internal error if there is none).
const Command& command_named(std::string_view name);

}  // namespace bgv::cli
