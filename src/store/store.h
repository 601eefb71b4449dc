// store/store: model names -> files in the cache folder, fetched once (resumable, size-checked,
// hashed, renamed into place only when complete), verified later, never touched when offline.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "store/http_download.h"
#include "store/model_table.h"

namespace bgv::store {

struct StoreOptions {
    // Every file comes from mirror + the path part of its usual address (BIGGANVIZ_MIRROR); an
    // http(s):// server or a file:// folder laid out like the original hosts.
    std::string mirror;
    bool offline = false;  // BIGGANVIZ_OFFLINE=1: never touch the network
    DownloadOptions download;

    static StoreOptions from_environment();
};

// $BIGGANVIZ_CACHE, else $XDG_CACHE_HOME/bigganviz, else ~/.cache/bigganviz.
std::filesystem::path default_cache_dir();

// One file as `verify` found it.
struct FileCheck {
    std::string name;
    std::filesystem::path path;
    std::int64_t size = 0;
    std::string sha256;
    std::string checked_against;  // "published hash", "recorded hash", or "" (nothing to compare)
};

// Cache layout, per model folder <cache>/<model>/ (usable as --weights DIR):
//   <file>          complete, checked file under its published base name (hash, size and
//                   content: a checkpoint starts like one, a JSON file parses)
//   <file>.sha256   its SHA-256 as sha256sum writes it, recorded when it was downloaded
//   <file>.part     bytes of an unfinished download, kept so that the next fetch resumes; a part
//                   whose hash turned out wrong is deleted
//   <file>.lock     flock'ed while a process downloads the file
class Store {
  public:
    Store();  // default cache folder, known models, options from the environment
    Store(std::filesystem::path cache_dir, std::vector<ModelSpec> models, StoreOptions options);

    const std::filesystem::path& cache_dir() const { return cache_dir_; }
    const std::vector<ModelSpec>& models() const { return models_; }
    const ModelSpec& model(const std::string& name) const;  // UsageError naming the known ones

    std::filesystem::path model_dir(const std::string& name) const;
    std::vector<std::string> missing_files(const std::string& name) const;
    // Files present but not what their name claims (store/content_check): "pytorch_model.bin is
    // an HTML or XML page, not the file (...)".
    std::vector<std::string> damaged_files(const std::string& name) const;
    bool is_complete(const std::string& name) const;  // nothing missing, nothing damaged

    // Fetches what is missing and returns the model folder. Throws one line naming the files
    // and the folder to put them in when offline or when no address serves them.
    std::filesystem::path ensure(const std::string& name);

    // Re-hashes every file of the model and compares with the published hash (if the table has
    // one), the recorded one and the published size, and checks that each file looks like what
    // its name claims. Throws naming the bad or missing file.
    std::vector<FileCheck> verify(const std::string& name) const;

    // The addresses a file is tried at, the mirror applied.
    std::vector<std::string> urls_for(const ModelFile& file) const;

  private:
    void fetch_file(const ModelSpec& spec, const ModelFile& file);
    [[noreturn]] void fail_missing(const ModelSpec& spec, const std::string& why) const;

    std::filesystem::path cache_dir_;
    std::vector<ModelSpec> models_;
    StoreOptions options_;
};

// What a command loads: `weights_path` when the user gave one (--weights, --text_weights; it
// must exist), else the cached folder of `model_name` (default Store), fetched if missing.
std::filesystem::path weights_or_model(const std::optional<std::string>& weights_path,
                                       const std::string& model_name);

// The SHA-256 of a model file: the hash the store recorded beside it at download time when the
// record is at least as new as the file (hashing 90 MB again costs half a second), else computed.
std::string file_sha256(const std::filesystem::path& file);

// A file in the cache folder for data derived from `source_file` (e.g. class-name embeddings of
// a text model): "<cache>/derived/<name>-<SHA-256 of source_file><extension>".
std::filesystem::path cache_file_for(const std::filesystem::path& source_file,
                                     const std::string& name, const std::string& extension);

}  // namespace bgv::store
