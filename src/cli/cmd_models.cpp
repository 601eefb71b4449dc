// `bigganviz models list | fetch NAME... | path NAME | verify [NAME...]`: the model store from the
// command line.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/error.h"
#include "core/progress.h"
#include "store/store.h"

namespace bgv::cli {

namespace {

namespace fs = std::filesystem;
using store::Store;

std::string join(const std::vector<std::string>& parts) {
    std::string text;
    for (const auto& part : parts)
        text += (text.empty() ? "" : ", ") + part;
    return text;
}

// The published total when every file's size is known, else what is on disk, else "?".
std::string size_text(const Store& models, const store::ModelSpec& spec) {
    std::int64_t published = 0;
    std::int64_t on_disk = 0;
    bool all_known = true;
    for (const auto& file : spec.files) {
        all_known = all_known && file.size >= 0;
        published += std::max<std::int64_t>(file.size, 0);
        std::error_code error;
        const auto size = fs::file_size(models.model_dir(spec.name) / file.name, error);
        if (!error)
            on_disk += static_cast<std::int64_t>(size);
    }
    if (all_known)
        return format_bytes(static_cast<double>(published));
    if (models.is_complete(spec.name))
        return format_bytes(static_cast<double>(on_disk));
    return "size unknown";
}

std::string cache_state(const Store& models, const std::string& name) {
    const auto missing = models.missing_files(name).size();
    const auto total = models.model(name).files.size();
    if (missing == 0)
        return "cached";
    if (missing == total)
        return "not cached";
    return fmt::format("partly cached ({} of {} files)", total - missing, total);
}

int list_models(const Store& models, bool json) {
    if (json) {
        nlohmann::json out = {{"cache", models.cache_dir().string()},
                              {"models", nlohmann::json::array()}};
        for (const auto& spec : models.models()) {
            nlohmann::json files = nlohmann::json::array();
            for (const auto& file : spec.files) {
                const fs::path path = models.model_dir(spec.name) / file.name;
                files.push_back(
                    {{"name", file.name},
                     {"urls", models.urls_for(file)},
                     {"size", file.size >= 0 ? nlohmann::json(file.size) : nullptr},
                     {"sha256", file.sha256.empty() ? nullptr : nlohmann::json(file.sha256)},
                     {"cached", fs::is_regular_file(path)}});
            }
            out["models"].push_back({{"name", spec.name},
                                     {"description", spec.description},
                                     {"path", models.model_dir(spec.name).string()},
                                     {"complete", models.is_complete(spec.name)},
                                     {"files", files}});
        }
        fmt::print("{}\n", out.dump(2));
        return 0;
    }
    fmt::print("cache: {}\n", models.cache_dir().string());
    for (const auto& spec : models.models()) {
        std::vector<std::string> names;
        for (const auto& file : spec.files)
            names.push_back(file.name);
        const std::string state = cache_state(models, spec.name);
        fmt::print("{:<18} {:<14} {}\n", spec.name, size_text(models, spec), spec.description);
        fmt::print("{:<18} files: {}\n", "", join(names));
        fmt::print("{:<18} {}{}\n", "", state,
                   state == "not cached" ? "" : " in " + models.model_dir(spec.name).string());
        for (const auto& file : spec.files) {
            std::error_code error;
            const fs::path part = models.model_dir(spec.name) / (file.name + ".part");
            const auto size = fs::file_size(part, error);
            if (!error && !fs::exists(models.model_dir(spec.name) / file.name)) {
                fmt::print("{:<18} {} interrupted at {} (`bigganviz models fetch {}` resumes)\n",
                           "", file.name, format_bytes(static_cast<double>(size)), spec.name);
            }
        }
    }
    return 0;
}

std::vector<std::string> names_after_action(const Args& args) {
    return {args.words().begin() + 1, args.words().end()};
}

int verify_models(const Store& models, std::vector<std::string> names, bool json) {
    const bool everything = names.empty();
    if (everything) {
        for (const auto& spec : models.models()) {
            if (models.missing_files(spec.name).size() < spec.files.size())
                names.push_back(spec.name);
        }
        if (names.empty()) {
            fmt::print("no model in {}\n", models.cache_dir().string());
            return 0;
        }
    }
    nlohmann::json report = nlohmann::json::array();
    std::vector<std::string> failed;
    for (const auto& name : names) {
        models.model(name);  // an unknown name is a usage error, not a failed check
        try {
            for (const auto& check : models.verify(name)) {
                const std::string against = check.checked_against.empty()
                                                ? "no recorded hash to compare with"
                                                : "matches the " + check.checked_against;
                report.push_back({{"model", name},
                                  {"file", check.name},
                                  {"ok", true},
                                  {"size", check.size},
                                  {"sha256", check.sha256},
                                  {"checked_against", check.checked_against}});
                if (!json) {
                    fmt::print("{}/{}: ok, {}, sha256 {} ({})\n", name, check.name,
                               format_bytes(static_cast<double>(check.size)), check.sha256,
                               against);
                }
            }
        } catch (const Error& error) {
            failed.push_back(name);
            report.push_back({{"model", name}, {"ok", false}, {"error", describe(error)}});
            if (!json)
                fmt::print("{}: FAILED: {}\n", name, describe(error));
        }
    }
    if (json)
        fmt::print("{}\n", report.dump(2));
    std::fflush(stdout);  // the report before main's error line on stderr
    if (!failed.empty())
        fail("verification failed for {}", join(failed));
    return 0;
}

}  // namespace

int run_models(const Args& args) {
    const auto& words = args.words();
    if (words.empty())
        fail_usage("models: say what to do: list, fetch NAME, path NAME or verify [NAME]");
    const std::string& action = words[0];
    const auto names = names_after_action(args);
    Store models;
    if (action == "list") {
        if (!names.empty())
            fail_usage("models list takes no name (got '{}')", names[0]);
        return list_models(models, args.flag("json"));
    }
    if (action == "fetch") {
        if (names.empty())
            fail_usage("models fetch: which model? (see `bigganviz models list`)");
        for (const auto& name : names)
            fmt::print("{}\n", models.ensure(name).string());
        return 0;
    }
    if (action == "path") {
        if (names.size() != 1)
            fail_usage("models path takes one model name");
        const auto missing = models.missing_files(names[0]);
        if (!missing.empty()) {
            fail("{} is not complete in {} (missing {}): `bigganviz models fetch {}` gets it",
                 names[0], models.model_dir(names[0]).string(), join(missing), names[0]);
        }
        if (const auto damaged = models.damaged_files(names[0]); !damaged.empty()) {
            fail("{} in {} is damaged: {} (delete it and run `bigganviz models fetch {}`)",
                 names[0], models.model_dir(names[0]).string(), join(damaged), names[0]);
        }
        fmt::print("{}\n", models.model_dir(names[0]).string());
        return 0;
    }
    if (action == "verify")
        return verify_models(models, names, args.flag("json"));
    fail_usage("models: unknown action '{}' (list, fetch, path or verify)", action);
}

}  // namespace bgv::cli
