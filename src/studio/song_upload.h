// studio/song_upload: an upload on its way in. The multipart body is read as it arrives and the
// song's bytes go straight to songs/.upload-<id>/audio, a folder no reader looks at; the folder
// is removed unless the song library takes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "studio/http_message.h"
#include "studio/multipart_reader.h"

namespace bgv::studio {

// The song's bytes as uploaded, in its staging folder and then in songs/<id>/.
inline constexpr const char* kSongAudioFile = "audio";

class SongUpload final : public BodySink {
  public:
    // `content_type` is the request's: HttpError 400 unless it is multipart/form-data.
    SongUpload(std::string id, std::filesystem::path staging, std::string_view content_type);
    ~SongUpload() override;
    SongUpload(const SongUpload&) = delete;
    SongUpload& operator=(const SongUpload&) = delete;

    // HttpError 400 for a field "file" that is not a file or has a name with a folder part,
    // 507 when the bytes cannot be written.
    void write(std::string_view data) override;
    // HttpError 400 when no part was the field "file".
    void finish() override;

    const std::string& id() const { return id_; }
    const std::filesystem::path& staging() const { return staging_; }
    std::filesystem::path audio() const;
    const std::string& client_name() const { return client_name_; }
    std::int64_t bytes() const { return bytes_; }
    // The staging folder was renamed into place: nothing left to remove.
    void taken() { taken_ = true; }

  private:
    void begin_part(const MultipartReader::Part& part);
    void write_audio(std::string_view data);

    std::string id_;
    std::filesystem::path staging_;
    MultipartReader reader_;
    int fd_ = -1;
    bool in_file_ = false;
    bool has_file_ = false;
    std::string client_name_;
    std::int64_t bytes_ = 0;
    bool taken_ = false;
};

}  // namespace bgv::studio
