// `bigganviz studio`: starts the local web server (studio/) and prints its address; Ctrl-C stops
// it, and a render it cut off resumes when the studio starts again.
#include <fmt/format.h>
#include <pthread.h>

#include <cctype>
#include <csignal>
#include <random>

#include "cli/commands.h"
#include "core/error.h"
#include "features/stft.h"
#include "studio/studio.h"

namespace bgv::cli {

namespace {
std::int64_t parse_size(const std::string& text) {
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
        ++digits;
    std::string unit = text.substr(digits);
    for (auto& c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const std::int64_t factor = unit.empty() || unit == "B" ? 1
                                : unit == "KB"              ? 1LL << 10
                                : unit == "MB"              ? 1LL << 20
                                : unit == "GB"              ? 1LL << 30
                                                            : 0;
    if (digits == 0 || digits > 12 || factor == 0)
        fail_usage("--max_upload {}: not allowed, expected a size such as 200MB, 1GB or 5000000",
                   text);
    const std::int64_t size = std::stoll(text.substr(0, digits)) * factor;
    if (size < 1)
        fail_usage("--max_upload {}: must be at least 1 byte", text);
    return size;
}

std::string generate_token() {
    std::random_device device;
    std::string token;
    for (int i = 0; i < 8; ++i)
        token += fmt::format("{:04x}", device() & 0xffffu);
    return token;
}
}  // namespace

int run_studio(const Args& args) {
    studio::StudioConfig config;
    config.dir =
        args.has("dir") ? std::filesystem::path(args.text("dir")) : studio::default_studio_dir();
    config.host = args.optional_text("host").value_or("127.0.0.1");
    config.port = static_cast<int>(args.integer("port"));
    config.token = args.optional_text("token").value_or("");
    config.max_upload = parse_size(args.optional_text("max_upload").value_or("200MB"));
    if (args.has("max_duration"))
        config.max_duration = args.number("max_duration");
    if (args.has("weights"))
        config.weights = args.text("weights");
    if (args.has("text_weights"))
        config.text_weights = args.text("text_weights");
    config.threads = static_cast<int>(args.integer("threads"));
    features::limit_feature_threads(config.threads);  // uploads' analysis too
    const bool loopback =
        config.host == "localhost" || config.host == "::1" || config.host.starts_with("127.");
    const bool generated = !loopback && config.token.empty();
    if (generated) {
        config.token = generate_token();
        fmt::print("bigganviz studio: --host {} is reachable from other machines; token {}\n",
                   config.host, config.token);
    }

    // Signals are taken by this thread alone (sigwait), so that Ctrl-C stops the server cleanly:
    // every thread the studio starts inherits the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    studio::Studio server(config);
    server.start();
    fmt::print("bigganviz studio: {} (folder {})\n", server.address(), config.dir.string());
    std::fflush(stdout);
    int received = 0;
    sigwait(&signals, &received);
    fmt::print(stderr, "bigganviz studio: stopping; unfinished renders resume next time\n");
    server.stop();
    return 0;
}

}  // namespace bgv::cli
