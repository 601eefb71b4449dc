// live/device_capture: sound from a capture device of libavdevice (a PulseAudio source or monitor,
// an ALSA device, JACK ports) as 22050 Hz mono blocks timed on the session's monotonic clock.
#pragma once

#include <memory>
#include <mutex>

#include "live/audio_input.h"

namespace bgv::live {

class AudioReader;

class DeviceCapture : public AudioInput {
  public:
    // Opens the device now (its errors are thrown here) and starts capturing.
    DeviceCapture(const InputSource& source, const InputSettings& settings);
    ~DeviceCapture() override;

    // The newest captured sample and when it reached the sound card.
    HeardPosition heard_now() const override;

  private:
    void capture();

    std::unique_ptr<AudioReader> reader_;
    mutable std::mutex newest_mutex_;
    HeardPosition newest_;
};

}  // namespace bgv::live
