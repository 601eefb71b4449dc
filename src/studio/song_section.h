// studio/song_section: a few seconds cut out of a song as a WAV file, so that a preview shows the
// section the user chose (render/ always starts at the beginning of its song).
#pragma once

#include <filesystem>

namespace bgv::studio {

// Writes `seconds` of `song` from `start` (all channels, native rate, float samples) to `wav`.
// Throws bgv::Error when the song has nothing at `start`.
void write_song_section(const std::filesystem::path& song, double start, double seconds,
                        const std::filesystem::path& wav);

}  // namespace bgv::studio
