// studio/song_library: uploaded songs, each checked by decoding it before it is accepted and kept
// as songs/<server-chosen id>/ (never under the client's file name) with its analysis.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "studio/studio.h"

namespace bgv::studio {

class SongLibrary {
  public:
    // Uploads longer than max_duration seconds are refused.
    explicit SongLibrary(std::filesystem::path songs_dir,
                         std::optional<double> max_duration = std::nullopt);

    // Decodes and analyses the upload; returns the new song's description (song.json).
    // Throws UsageError for a bad file name and bgv::Error for a file that is not audio or is
    // longer than the limit.
    nlohmann::json add(std::string_view bytes, const std::string& client_name);

    std::optional<nlohmann::json> get(const std::string& id) const;
    nlohmann::json list() const;
    std::filesystem::path audio_path(const std::string& id) const;
    std::filesystem::path picture_path(const std::string& id) const;

  private:
    std::filesystem::path dir_;
    std::optional<double> max_duration_;
};

// The name a client gave its file, if it is a plain name: no folder part, no "..", no control
// characters, at most 255 bytes. Throws UsageError otherwise.
void check_client_file_name(const std::string& name);

}  // namespace bgv::studio
