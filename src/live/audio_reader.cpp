#include "live/audio_reader.h"

extern "C" {
#include <libavdevice/avdevice.h>
}

#include <mutex>

#include "core/error.h"

namespace bgv::live {

void register_devices() {
    static std::once_flag once;
    std::call_once(once, [] { avdevice_register_all(); });
}

int AudioReader::interrupted(void* stop_flag) {
    return static_cast<const std::atomic<bool>*>(stop_flag)->load() ? 1 : 0;
}

AudioReader::AudioReader(const std::string& url, const std::string& device_format,
                         const std::vector<std::pair<std::string, std::string>>& options,
                         const std::atomic<bool>* stop)
    : name_(device_format.empty() ? url : device_format + ":" + url) {
    av::quiet_logs();
    register_devices();
    const AVInputFormat* format = nullptr;
    if (!device_format.empty()) {
        format = av_find_input_format(device_format.c_str());
        if (format == nullptr)
            fail("this FFmpeg has no '{}' input device (libavdevice built without it)",
                 device_format);
    }
    AVFormatContext* raw = avformat_alloc_context();
    if (raw == nullptr)
        fail("out of memory opening {}", name_);
    if (stop != nullptr) {
        raw->interrupt_callback.callback = &AudioReader::interrupted;
        raw->interrupt_callback.opaque = const_cast<std::atomic<bool>*>(stop);
    }
    AVDictionary* dictionary = nullptr;
    for (const auto& [key, value] : options)
        av_dict_set(&dictionary, key.c_str(), value.c_str(), 0);
    const int opened = avformat_open_input(&raw, url.c_str(), format, &dictionary);
    av_dict_free(&dictionary);
    av::check(opened, "cannot open " + name_);  // avformat_open_input frees raw on failure
    input_.reset(raw);
    // A device states its stream in its header; probing it would only hold up the first block.
    if (format == nullptr)
        av::check(avformat_find_stream_info(input_.get(), nullptr), "cannot read " + name_);
    const AVCodec* codec = nullptr;
    const int index = av_find_best_stream(input_.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (index < 0 || codec == nullptr)
        fail("{}: no audio stream that this FFmpeg can decode", name_);
    stream_ = input_->streams[index];
    decoder_.reset(avcodec_alloc_context3(codec));
    av::check(avcodec_parameters_to_context(decoder_.get(), stream_->codecpar),
              "cannot decode " + name_);
    decoder_->pkt_timebase = stream_->time_base;
    av::check(avcodec_open2(decoder_.get(), codec, nullptr), "cannot decode " + name_);
    packet_.reset(av_packet_alloc());
}

bool AudioReader::next_frame(AVFrame* frame) {
    for (;;) {
        if (ended_)
            return false;
        const int received = avcodec_receive_frame(decoder_.get(), frame);
        if (received >= 0)
            return true;
        if (received == AVERROR_EOF) {
            ended_ = true;
            return false;
        }
        if (received != AVERROR(EAGAIN))
            av::check(received, "cannot decode " + name_);
        if (draining_) {
            ended_ = true;
            return false;
        }
        const int read = av_read_frame(input_.get(), packet_.get());
        if (read == AVERROR_EOF) {
            draining_ = true;
            av::check(avcodec_send_packet(decoder_.get(), nullptr), "cannot decode " + name_);
            continue;
        }
        av::check(read, "cannot read " + name_);
        if (packet_->stream_index == stream_->index) {
            const int sent = avcodec_send_packet(decoder_.get(), packet_.get());
            // A damaged packet loses its samples, not the session.
            if (sent < 0 && sent != AVERROR_INVALIDDATA)
                av::check(sent, "cannot decode " + name_);
        }
        av_packet_unref(packet_.get());
    }
}

}  // namespace bgv::live
