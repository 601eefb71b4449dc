#include "studio/song_library.h"

#include <algorithm>
#include <cmath>

#include "audio/load.h"
#include "core/error.h"
#include "core/file.h"
#include "core/log.h"
#include "features/analysis.h"
#include "image/feature_plot.h"
#include "studio/render_queue.h"

namespace bgv::studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {
using features::kSampleRate;
constexpr int kHop = 512;  // the default frame length: the picture the default render follows
constexpr const char* kSongFile = "song.json";
constexpr const char* kPictureFile = "features.png";
const std::string kStagingPrefix = ".upload-";

std::string media_type_for(const std::string& name) {
    std::string extension = fs::path(name).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".mp3")
        return "audio/mpeg";
    if (extension == ".wav")
        return "audio/wav";
    if (extension == ".flac")
        return "audio/flac";
    if (extension == ".ogg" || extension == ".oga" || extension == ".opus")
        return "audio/ogg";
    if (extension == ".m4a" || extension == ".aac" || extension == ".mp4")
        return "audio/mp4";
    return "application/octet-stream";
}
}  // namespace

void check_client_file_name(const std::string& name) {
    const bool has_control = std::any_of(name.begin(), name.end(),
                                         [](unsigned char c) { return c < 0x20 || c == 0x7f; });
    if (name.empty() || name.size() > 255 || has_control || name == "." ||
        name.find('/') != std::string::npos || name.find('\\') != std::string::npos ||
        name.find("..") != std::string::npos)
        fail_usage("file name '{}' is not allowed: give a plain file name without folders",
                   has_control ? std::string("(control characters)") : name);
}

SongLibrary::SongLibrary(fs::path songs_dir, std::optional<double> max_duration)
    : dir_(std::move(songs_dir)), max_duration_(max_duration) {
    fs::create_directories(dir_);
    for (const auto& entry : fs::directory_iterator(dir_)) {
        if (!entry.path().filename().string().starts_with(kStagingPrefix))
            continue;
        log::warn("studio: removing {}, an upload cut off by a crash", entry.path().string());
        std::error_code error;
        fs::remove_all(entry.path(), error);
        if (error)
            log::warn("studio: cannot remove {}: {}", entry.path().string(), error.message());
    }
}

std::unique_ptr<SongUpload> SongLibrary::start_upload(std::string_view content_type) const {
    std::string id = new_id();
    fs::path staging = dir_ / (kStagingPrefix + id);
    return std::make_unique<SongUpload>(std::move(id), std::move(staging), content_type);
}

json SongLibrary::add(SongUpload& upload) {
    const std::string& id = upload.id();
    const std::string& client_name = upload.client_name();
    // Staged under a name no reader looks at, renamed into place once decoded and analysed.
    const fs::path& staging = upload.staging();
    // The audio module says what is wrong: not audio, or longer than the limit.
    const audio::Pcm pcm = with_context(client_name, [&] {
        return audio::load_mono(upload.audio(), kSampleRate,
                                audio::Section{.max_duration = max_duration_});
    });
    if (pcm.samples.empty())
        fail("{} holds no audio samples", client_name);
    // Both parts in one pass over the STFT they share; the picture needs no mel spectrogram.
    auto analysis = with_context(client_name, [&] {
        return features::analyse_song(pcm.samples, kSampleRate, kHop,
                                      {.features = true, .rhythm = true}, {.keep_mel = false});
    });
    const features::Features& features = analysis.features;
    const features::Rhythm& rhythm = analysis.rhythm;
    std::vector<double> beat_times;
    for (const std::int64_t beat : rhythm.beats)
        beat_times.push_back(static_cast<double>(beat * kHop) / kSampleRate);
    write_file_atomic(staging / kPictureFile,
                      image::feature_picture_png(features, rhythm, rhythm.beats,
                                                 static_cast<double>(kSampleRate) / kHop));
    json song = {
        {"id", id},
        {"name", client_name},
        {"media_type", media_type_for(client_name)},
        {"bytes", upload.bytes()},
        {"duration", static_cast<double>(pcm.samples.size()) / kSampleRate},
        {"frames", features.frames},
        {"fps", static_cast<double>(kSampleRate) / kHop},
        {"chromasort", features.chromasort},
        {"tuning", std::isfinite(features.tuning) ? json(features.tuning) : json(nullptr)},
        {"tempo", rhythm.tempo},  // BPM, librosa's beat_track; 0 when no beat is found
        {"beat_times", beat_times},
        {"created", unix_now()},
    };
    write_file_atomic(staging / kSongFile, song.dump(1) + "\n");
    fs::rename(staging, dir_ / id);
    upload.taken();
    return song;
}

std::optional<json> SongLibrary::get(const std::string& id) const {
    const fs::path file = dir_ / id / kSongFile;
    if (!is_valid_id(id) || !fs::is_regular_file(file))
        return std::nullopt;
    try {
        json song = json::parse(read_file_text(file));
        if (!song.is_object() || song.value("id", "") != id)
            fail("not a song's description");
        return song;
    } catch (const std::exception& error) {
        log::warn("studio: {} is damaged, its song is left out ({})", file.string(), error.what());
        return std::nullopt;
    }
}

json SongLibrary::list() const {
    std::vector<json> songs;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        if (auto song = get(entry.path().filename().string()))
            songs.push_back(std::move(*song));
    }
    std::sort(songs.begin(), songs.end(), [](const json& a, const json& b) {
        return a.value("created", 0.0) > b.value("created", 0.0);
    });
    return json(songs);
}

fs::path SongLibrary::audio_path(const std::string& id) const {
    return dir_ / id / kSongAudioFile;
}

fs::path SongLibrary::picture_path(const std::string& id) const {
    return dir_ / id / kPictureFile;
}

}  // namespace bgv::studio
