// Test support for the studio: the real `bigganviz studio` started as a child process on
// 127.0.0.1 with the small test models, its address read from what it prints, and an HTTP client.
#pragma once

#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace bgv::test {

namespace fs = std::filesystem;

inline const fs::path kStudioBinary = fs::path(BGV_BINARY_DIR) / "src/cli/bigganviz";
inline const fs::path kTinyBigGan = fs::path(BGV_TEST_DATA) / "model/biggan/data/tiny128";
inline const fs::path kTinyMiniLm = fs::path(BGV_TEST_DATA) / "model/bert/data/tiny_minilm";
inline const fs::path kSong = fs::path(BGV_TEST_DATA) / "render/data/chords_3s.wav";
// The model store's cache of the studios the tests start (thumbnails are kept there).
inline const fs::path kStudioCache = fs::temp_directory_path() / "bgv_test_studio_cache";

class StudioProcess {
  public:
    // Starts `bigganviz studio --dir dir --port 0 ...extra`; `environment` adds variables.
    StudioProcess(const fs::path& dir, std::vector<std::string> extra = {},
                  std::map<std::string, std::string> environment = {}) {
        std::vector<std::string> words = {kStudioBinary.string(),
                                          "studio",
                                          "--dir",
                                          dir.string(),
                                          "--port",
                                          "0",
                                          "--weights",
                                          kTinyBigGan.string(),
                                          "--text_weights",
                                          kTinyMiniLm.string(),
                                          "--threads",
                                          "1"};
        words.insert(words.end(), extra.begin(), extra.end());
        // Thumbnails are cached beside the model: one cache for the whole test run.
        environment.emplace("BIGGANVIZ_CACHE", kStudioCache.string());
        environment.emplace("BIGGANVIZ_OFFLINE", "1");
        std::vector<std::string> variables;
        for (char** e = environ; *e != nullptr; ++e) {
            const std::string entry = *e;
            if (!environment.contains(entry.substr(0, entry.find('='))))
                variables.push_back(entry);
        }
        for (const auto& [key, value] : environment)
            variables.push_back(key + "=" + value);
        int out[2];
        if (::pipe(out) != 0)
            throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        std::vector<char*> argv, envp;
        for (auto& w : words)
            argv.push_back(w.data());
        argv.push_back(nullptr);
        for (auto& v : variables)
            envp.push_back(v.data());
        envp.push_back(nullptr);
        const int spawned =
            posix_spawn(&pid_, kStudioBinary.c_str(), &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        if (spawned != 0)
            throw std::runtime_error("cannot start bigganviz studio");
        output_ = ::fdopen(out[0], "r");
        char line[4096];
        while (std::fgets(line, sizeof line, output_) != nullptr) {
            // "bigganviz studio: http://HOST:PORT/ (folder ...)"
            const std::string text = line;
            const auto at = text.find("http://");
            const auto slash = at == std::string::npos ? at : text.find('/', at + 7);
            const auto colon = slash == std::string::npos ? slash : text.rfind(':', slash);
            if (colon != std::string::npos && colon > at) {
                host_ = text.substr(at + 7, colon - at - 7);
                port_ = std::stoi(text.substr(colon + 1));
                return;
            }
        }
        throw std::runtime_error("bigganviz studio printed no address");
    }
    ~StudioProcess() {
        stop(SIGTERM);
        if (output_ != nullptr)
            std::fclose(output_);
    }
    StudioProcess(const StudioProcess&) = delete;
    StudioProcess& operator=(const StudioProcess&) = delete;

    int port() const { return port_; }
    const std::string& host() const { return host_; }  // as printed: "127.0.0.1"
    pid_t pid() const { return pid_; }
    httplib::Client client() const {
        httplib::Client c(host_, port_);
        c.set_read_timeout(120, 0);
        return c;
    }
    // Waits for the process to end (SIGKILL by itself, or the signal sent); returns its status.
    int stop(int signal) {
        if (pid_ <= 0)
            return status_;
        if (signal != 0)
            ::kill(pid_, signal);
        ::waitpid(pid_, &status_, 0);
        pid_ = -1;
        return status_;
    }
    bool killed_by(int signal) const { return WIFSIGNALED(status_) && WTERMSIG(status_) == signal; }

  private:
    pid_t pid_ = -1;
    int status_ = 0;
    std::string host_;
    int port_ = 0;
    std::FILE* output_ = nullptr;
};

inline nlohmann::json json_of(const httplib::Result& result) {
    if (!result)
        throw std::runtime_error("no answer from the studio");
    return nlohmann::json::parse(result->body);
}

// Uploads a file as the page does (multipart/form-data, field "file").
inline httplib::Result upload(httplib::Client& client, const std::string& bytes,
                              const std::string& name) {
    httplib::MultipartFormDataItems items = {{"file", bytes, name, "application/octet-stream"}};
    return client.Post("/api/songs", items);
}

inline httplib::Result post_json(httplib::Client& client, const std::string& path,
                                 const nlohmann::json& body) {
    return client.Post(path.c_str(), body.dump(), "application/json");
}

inline bool is_final_state(const std::string& state) {
    return state == "done" || state == "failed" || state == "cancelled";
}

// Reads the render's event stream (GET /api/renders/{id}/events), handing each event's render to
// `on_event` until it returns false or the render is final; returns the last one. Event-driven:
// the server pushes every change, no polling.
template <typename OnEvent>
nlohmann::json follow_render(httplib::Client& client, const std::string& id, OnEvent on_event) {
    nlohmann::json last;
    std::string pending;
    client.Get(("/api/renders/" + id + "/events").c_str(),
               [&](const char* data, std::size_t length) {
                   pending.append(data, length);
                   for (auto end = pending.find("\n\n"); end != std::string::npos;
                        end = pending.find("\n\n")) {
                       const std::string event = pending.substr(0, end);
                       pending.erase(0, end + 2);
                       if (!event.starts_with("data: "))
                           continue;  // a heartbeat comment
                       last = nlohmann::json::parse(event.substr(6));
                       if (!on_event(last) || is_final_state(last.at("state")))
                           return false;
                   }
                   return true;
               });
    return last;
}

// Waits for the render to be final (through its event stream); returns it.
inline nlohmann::json wait_for_render(httplib::Client& client, const std::string& id) {
    follow_render(client, id, [](const nlohmann::json&) { return true; });
    return json_of(client.Get(("/api/renders/" + id).c_str()));
}

}  // namespace bgv::test
