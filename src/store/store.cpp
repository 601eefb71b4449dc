#include "store/store.h"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "core/error.h"
#include "core/file.h"
#include "core/file_lock.h"
#include "core/log.h"
#include "store/content_check.h"
#include "store/sha256.h"

namespace bgv::store {

namespace fs = std::filesystem;

namespace {

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

bool env_says_yes(const std::string& value) {
    return !value.empty() && value != "0" && value != "false" && value != "no" && value != "off";
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string text;
    for (const auto& part : parts)
        text += (text.empty() ? "" : separator) + part;
    return text;
}

fs::path with_suffix(const fs::path& path, const std::string& suffix) {
    return fs::path(path.string() + suffix);
}

// The hash recorded at download time, or "" when there is no record.
std::string recorded_sha256(const fs::path& file) {
    const fs::path record = with_suffix(file, ".sha256");
    if (!fs::exists(record))
        return {};
    const std::string text = read_file_text(record);
    return text.substr(0, text.find_first_of(" \t\n"));
}

}  // namespace

StoreOptions StoreOptions::from_environment() {
    StoreOptions options;
    options.mirror = env_or_empty("BIGGANVIZ_MIRROR");
    options.offline = env_says_yes(env_or_empty("BIGGANVIZ_OFFLINE"));
    options.download.show_progress = log::level() <= log::Level::info;  // --quiet hides it
    return options;
}

fs::path default_cache_dir() {
    if (const std::string cache = env_or_empty("BIGGANVIZ_CACHE"); !cache.empty())
        return cache;
    if (const std::string xdg = env_or_empty("XDG_CACHE_HOME"); !xdg.empty() && xdg[0] == '/')
        return fs::path(xdg) / "bigganviz";
    std::string home = env_or_empty("HOME");
    if (home.empty()) {
        if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_dir)
            home = entry->pw_dir;
    }
    if (home.empty())
        fail("no cache folder: set BIGGANVIZ_CACHE (HOME is not set)");
    return fs::path(home) / ".cache" / "bigganviz";
}

Store::Store() : Store(default_cache_dir(), known_models(), StoreOptions::from_environment()) {}

Store::Store(fs::path cache_dir, std::vector<ModelSpec> models, StoreOptions options)
    : cache_dir_(std::move(cache_dir)), models_(std::move(models)), options_(std::move(options)) {}

const ModelSpec& Store::model(const std::string& name) const {
    std::vector<std::string> names;
    for (const auto& spec : models_) {
        if (spec.name == name)
            return spec;
        names.push_back(spec.name);
    }
    fail_usage("unknown model '{}' (known: {})", name, join(names, ", "));
}

fs::path Store::model_dir(const std::string& name) const {
    return cache_dir_ / model(name).name;
}

std::vector<std::string> Store::missing_files(const std::string& name) const {
    const ModelSpec& spec = model(name);
    std::vector<std::string> missing;
    for (const auto& file : spec.files) {
        if (!fs::is_regular_file(cache_dir_ / spec.name / file.name))
            missing.push_back(file.name);
    }
    return missing;
}

std::vector<std::string> Store::damaged_files(const std::string& name) const {
    const ModelSpec& spec = model(name);
    std::vector<std::string> damaged;
    for (const auto& file : spec.files) {
        const fs::path path = cache_dir_ / spec.name / file.name;
        if (!fs::is_regular_file(path))
            continue;
        if (const std::string problem = content_problem(file.name, path); !problem.empty())
            damaged.push_back(fmt::format("{} is {}", file.name, problem));
    }
    return damaged;
}

bool Store::is_complete(const std::string& name) const {
    return missing_files(name).empty() && damaged_files(name).empty();
}

std::vector<std::string> Store::urls_for(const ModelFile& file) const {
    if (options_.mirror.empty())
        return file.urls;
    std::string base = options_.mirror;
    while (base.ends_with('/'))
        base.pop_back();
    std::vector<std::string> urls;
    for (const auto& url : file.urls) {
        std::string mirrored = base + url_path(url);
        if (std::find(urls.begin(), urls.end(), mirrored) == urls.end())
            urls.push_back(std::move(mirrored));
    }
    return urls;
}

void Store::fail_missing(const ModelSpec& spec, const std::string& why) const {
    // Say where each missing file is published, so that a user behind a firewall can fetch it
    // elsewhere and copy it in.
    std::vector<std::string> wanted;
    for (const auto& name : missing_files(spec.name)) {
        for (const auto& file : spec.files) {
            if (file.name == name && !file.urls.empty())
                wanted.push_back(fmt::format("{} (from {})", name, urls_for(file).front()));
        }
    }
    fail("{}; put {} into {} (or pass {})", why, join(wanted, ", "),
         (cache_dir_ / spec.name).string(), spec.weights_option);
}

fs::path Store::ensure(const std::string& name) {
    const ModelSpec& spec = model(name);
    const fs::path dir = cache_dir_ / spec.name;
    if (is_complete(name))
        return dir;
    if (options_.offline) {
        fail_missing(spec, fmt::format("model {} is not in the cache and BIGGANVIZ_OFFLINE is set",
                                       spec.name));
    }
    std::error_code error;
    fs::create_directories(dir, error);
    if (error)
        fail("cannot create the model folder {}: {}", dir.string(), error.message());
    for (const auto& file : spec.files)
        fetch_file(spec, file);
    return dir;
}

void Store::fetch_file(const ModelSpec& spec, const ModelFile& file) {
    const fs::path dir = cache_dir_ / spec.name;
    const fs::path target = dir / file.name;
    const std::string label = spec.name + "/" + file.name;
    if (fs::is_regular_file(target) && content_problem(file.name, target).empty())
        return;
    // Two bigganviz processes never download into one cache file at once.
    const auto lock = FileLock::take(
        with_suffix(target, ".lock"), {.on_wait = [&](const std::optional<LockHolder>& holder) {
            log::info("{}: another bigganviz is downloading it{}, waiting", label,
                      holder ? " (" + holder->text() + ")" : "");
        }});
    if (fs::is_regular_file(target)) {
        const std::string problem = content_problem(file.name, target);
        if (problem.empty())
            return;  // the other process finished it while we waited
        log::warn("{} is {}; fetching it again", label, problem);
        fs::remove(target);
        fs::remove(with_suffix(target, ".sha256"));
    }

    const fs::path part = with_suffix(target, ".part");
    std::vector<std::string> failures;
    bool all_unreachable = true;
    for (const auto& url : urls_for(file)) {
        try {
            log::info("downloading {} from {}", label, url);
            const std::int64_t size =
                download_resumable(url, part, {.exact = file.size, .at_most = file.max_size},
                                   options_.download, label);
            const std::string sha256 = sha256_file(part);
            if (!file.sha256.empty() && sha256 != file.sha256) {
                // Resuming bad bytes can only give bad bytes: drop them.
                fs::remove(part);
                throw DownloadError(fmt::format("the {} bytes received have SHA-256 {}, the "
                                                "published file has {}: refused",
                                                size, sha256, file.sha256),
                                    false);
            }
            if (const std::string problem = content_problem(file.name, part); !problem.empty()) {
                // A mirror's error page served with status 200: not worth resuming either.
                fs::remove(part);
                throw DownloadError(
                    fmt::format("the {} bytes received are {}: refused", size, problem), false);
            }
            write_file_atomic(with_suffix(target, ".sha256"),
                              fmt::format("{}  {}\n", sha256, file.name));
            fs::rename(part, target);
            log::debug("{}: {} bytes, SHA-256 {}", label, size, sha256);
            return;
        } catch (const DownloadError& failure) {
            failures.push_back(fmt::format("{}: {}", url, failure.what()));
            all_unreachable = all_unreachable && failure.unreachable();
        }
    }
    const std::string why =
        all_unreachable
            ? fmt::format("cannot reach any server for {} ({})", label, join(failures, "; "))
            : fmt::format("cannot download {} ({})", label, join(failures, "; "));
    fail_missing(spec, why);
}

std::vector<FileCheck> Store::verify(const std::string& name) const {
    const ModelSpec& spec = model(name);
    std::vector<FileCheck> checks;
    for (const auto& file : spec.files) {
        const fs::path path = cache_dir_ / spec.name / file.name;
        const std::string label = spec.name + "/" + file.name;
        if (!fs::is_regular_file(path)) {
            fail("{} is missing from {} (`bigganviz models fetch {}` gets it)", label,
                 path.parent_path().string(), spec.name);
        }
        FileCheck check{.name = file.name,
                        .path = path,
                        .size = static_cast<std::int64_t>(fs::file_size(path)),
                        .sha256 = sha256_file(path),
                        .checked_against = ""};
        if (file.size >= 0 && check.size != file.size)
            fail("{} has {} bytes, the published file {}", label, check.size, file.size);
        if (!file.sha256.empty()) {
            if (check.sha256 != file.sha256) {
                fail("{} has SHA-256 {}, the published file {}", label, check.sha256, file.sha256);
            }
            check.checked_against = "published hash";
        }
        if (const std::string recorded = recorded_sha256(path); !recorded.empty()) {
            if (check.sha256 != recorded) {
                fail(
                    "{} has SHA-256 {}, but {} was recorded when it was downloaded: the file "
                    "changed since (delete it and fetch again)",
                    label, check.sha256, recorded);
            }
            if (check.checked_against.empty())
                check.checked_against = "recorded hash";
        }
        if (const std::string problem = content_problem(file.name, path); !problem.empty()) {
            fail("{} is {} (delete it and run `bigganviz models fetch {}`)", label, problem,
                 spec.name);
        }
        checks.push_back(std::move(check));
    }
    return checks;
}

fs::path weights_or_model(const std::optional<std::string>& weights_path,
                          const std::string& model_name) {
    if (weights_path) {
        if (!fs::exists(*weights_path)) {
            std::string option = "--weights";
            for (const auto& spec : known_models()) {
                if (spec.name == model_name)
                    option = spec.weights_option;
            }
            fail("{} {}: no such file or folder", option, *weights_path);
        }
        return *weights_path;
    }
    Store store;
    return store.ensure(model_name);
}

std::string file_sha256(const fs::path& file) {
    const fs::path record = with_suffix(file, ".sha256");
    std::error_code error;
    const auto record_time = fs::last_write_time(record, error);
    if (!error && record_time >= fs::last_write_time(file)) {
        const std::string hash = recorded_sha256(file);
        if (hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string::npos)
            return hash;
    }
    return sha256_file(file);
}

fs::path cache_file_for(const fs::path& source_file, const std::string& name,
                        const std::string& extension) {
    return default_cache_dir() / "derived" / (name + "-" + file_sha256(source_file) + extension);
}

}  // namespace bgv::store
