#include "studio/song_upload.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstring>

#include "core/error.h"
#include "studio/song_library.h"

namespace bgv::studio {

namespace fs = std::filesystem;

namespace {
std::string boundary_of(std::string_view content_type) {
    const auto boundary = multipart_boundary(content_type);
    if (!boundary)
        throw HttpError(400, "send the song as multipart/form-data in a field named \"file\"");
    return *boundary;
}
}  // namespace

SongUpload::SongUpload(std::string id, fs::path staging, std::string_view content_type)
    : id_(std::move(id)),
      staging_(std::move(staging)),
      reader_(boundary_of(content_type),
              {.begin = [this](const MultipartReader::Part& part) { begin_part(part); },
               .data =
                   [this](std::string_view data) {
                       if (in_file_)
                           write_audio(data);
                   },
               .end = [this] { in_file_ = false; }}) {}

SongUpload::~SongUpload() {
    if (fd_ >= 0)
        ::close(fd_);
    if (!taken_) {
        std::error_code ignored;
        fs::remove_all(staging_, ignored);
    }
}

fs::path SongUpload::audio() const {
    return staging_ / kSongAudioFile;
}

void SongUpload::write(std::string_view data) {
    reader_.write(data);
}

void SongUpload::finish() {
    reader_.finish();
    if (!has_file_)
        throw HttpError(400, "send the song as multipart/form-data in a field named \"file\"");
    if (bytes_ == 0)
        throw HttpError(400, "the upload is empty");
    if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
        fd_ = -2;
        throw HttpError(507, fmt::format("cannot write the upload: {}", std::strerror(errno)));
    }
    fd_ = -2;  // closed, and complete
}

void SongUpload::begin_part(const MultipartReader::Part& part) {
    if (part.name != "file")
        return;  // other fields are read and dropped
    if (has_file_)
        throw HttpError(400, "the field \"file\" is sent twice: send one song per upload");
    if (!part.filename)
        throw HttpError(400,
                        "the field \"file\" holds no file: send the song as a file part "
                        "(Content-Disposition: form-data; name=\"file\"; filename=\"song.mp3\")");
    try {
        check_client_file_name(*part.filename);
    } catch (const UsageError& error) {
        throw HttpError(400, error.what());
    }
    client_name_ = *part.filename;
    has_file_ = true;
    in_file_ = true;
    std::error_code error;
    fs::create_directories(staging_, error);
    fd_ = error ? -1 : ::open(audio().c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw HttpError(507, fmt::format("cannot store the upload in {}: {}", staging_.string(),
                                         error ? error.message() : std::strerror(errno)));
}

void SongUpload::write_audio(std::string_view data) {
    while (!data.empty()) {
        const ssize_t written = ::write(fd_, data.data(), data.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            throw HttpError(507, fmt::format("cannot write the upload: {}", std::strerror(errno)));
        }
        data.remove_prefix(static_cast<std::size_t>(written));
        bytes_ += written;
    }
}

}  // namespace bgv::studio
