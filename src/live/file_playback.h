// live/file_playback: listen and watch: a sound file played to the loudspeaker while its samples
// go to the live loop as 22050 Hz blocks stamped with when they will be heard, so the picture
// follows what the listener hears. The reproducible input of the live mode and its tests.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>

#include "live/audio_input.h"

namespace bgv::live {

class AudioReader;
class Playback;

class FilePlayback : public AudioInput {
  public:
    // Opens the file and the audio output now (their errors are thrown here) and starts playing.
    FilePlayback(const std::filesystem::path& path, const InputSettings& settings);
    ~FilePlayback() override;

    // The sample (at 22050 Hz) at the loudspeaker now, from the output device's clock.
    HeardPosition heard_now() const override;

  private:
    void play();

    std::unique_ptr<AudioReader> reader_;
    std::unique_ptr<Playback> playback_;
    int file_rate_ = 0;
    int file_channels_ = 0;
    mutable std::mutex clock_mutex_;
    // The latest reading of the playback clock (a sample at 22050 Hz and when it is heard) and
    // the end of what has been written: heard_now() runs the clock from the reading.
    HeardPosition anchor_;
    double written_end_ = 0;
    bool started_ = false;
};

}  // namespace bgv::live
