// studio/song_library: uploaded songs, each checked by decoding it before it is accepted and kept
// as songs/<server-chosen id>/ (never under the client's file name) with its analysis. Uploads
// are staged in songs/.upload-<id>/ until then; a restart removes what a crash left there.
#pragma once

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "studio/song_upload.h"
#include "studio/studio.h"

namespace bgv::studio {

class SongLibrary {
  public:
    // Removes the staging folders of uploads a crash cut off. Uploads longer than max_duration
    // seconds are refused.
    explicit SongLibrary(std::filesystem::path songs_dir,
                         std::optional<double> max_duration = std::nullopt);

    // An upload for `content_type` (its request's), staged under a fresh id.
    std::unique_ptr<SongUpload> start_upload(std::string_view content_type) const;
    // Decodes and analyses a complete upload, then moves it into place; returns the new song's
    // description (song.json). Throws bgv::Error for a file that is not audio.
    nlohmann::json add(SongUpload& upload);

    // nullopt for an unknown id, and for a song whose song.json is damaged (with a warning).
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
