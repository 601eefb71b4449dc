#include "live/v4l2_output.h"

extern "C" {
#include <libavutil/imgutils.h>
}

#include "av/ffmpeg.h"
#include "core/error.h"
#include "live/audio_reader.h"
#include "live/yuv_converter.h"

namespace bgv::live {

// FFmpeg's v4l2 muxer with one rawvideo stream, used on the writing thread once opened.
struct V4l2Output::Device {
    av::OutputPtr output;
    AVStream* stream = nullptr;
    std::unique_ptr<YuvConverter> converter;
    av::PacketPtr packet;
    std::int64_t frames = 0;
};

V4l2Output::V4l2Output(const std::string& device, int width, int height)
    : device_(device), width_(width), height_(height), out_(std::make_unique<Device>()) {
    av::quiet_logs();
    register_devices();
    out_->converter = std::make_unique<YuvConverter>(width, height);
    AVFormatContext* raw = nullptr;
    av::check(avformat_alloc_output_context2(&raw, nullptr, "video4linux2", device.c_str()),
              "this FFmpeg has no v4l2 output device");
    out_->output.reset(raw);
    out_->stream = avformat_new_stream(raw, nullptr);
    if (out_->stream == nullptr)
        fail("cannot add a video stream for {}", device);
    AVCodecParameters* parameters = out_->stream->codecpar;
    parameters->codec_type = AVMEDIA_TYPE_VIDEO;
    parameters->codec_id = AV_CODEC_ID_RAWVIDEO;
    parameters->format = AV_PIX_FMT_YUV420P;
    parameters->width = width;
    parameters->height = height;
    out_->stream->time_base = {1, 1000};
    // The muxer opens the device and sets its format here.
    av::check(avformat_write_header(raw, nullptr),
              "cannot use " + device + " as a camera (a v4l2loopback device is needed)");
    out_->packet.reset(av_packet_alloc());
    thread_ = std::thread([this] { run(); });
}

V4l2Output::~V4l2Output() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
    if (out_->output)
        av_write_trailer(out_->output.get());
}

void V4l2Output::offer(const LiveFrame& frame) {
    {
        std::lock_guard lock(mutex_);
        ++offered_;
        if (failure_)
            return;
        schedule_.add(frame);
    }
    wake_.notify_all();
}

OutputCounts V4l2Output::counts() const {
    std::lock_guard lock(mutex_);
    return {offered_, written_, schedule_.skipped() + (failure_ ? offered_ - written_ : 0)};
}

std::optional<std::string> V4l2Output::failure() const {
    std::lock_guard lock(mutex_);
    return failure_;
}

void V4l2Output::run() {
    const int bytes = av_image_get_buffer_size(AV_PIX_FMT_YUV420P, width_, height_, 1);
    for (;;) {
        std::optional<LiveFrame> frame;
        {
            std::unique_lock lock(mutex_);
            for (;;) {
                if (stop_)
                    return;
                frame = schedule_.take_due(Clock::now());
                if (frame)
                    break;
                if (const auto due = schedule_.next_due())
                    wake_.wait_until(lock, *due);
                else
                    wake_.wait(lock);
            }
        }
        try {
            if (frame->width != width_ || frame->height != height_ || !frame->rgb)
                fail("{}: frame {} is {}x{}, the device was set to {}x{}", device_, frame->index,
                     frame->width, frame->height, width_, height_);
            const AVFrame* yuv = out_->converter->convert(*frame->rgb);
            AVPacket* packet = out_->packet.get();
            av_packet_unref(packet);
            av::check(av_new_packet(packet, bytes), "out of memory");
            av::check(av_image_copy_to_buffer(packet->data, bytes, yuv->data, yuv->linesize,
                                              AV_PIX_FMT_YUV420P, width_, height_, 1),
                      "cannot lay out a camera frame");
            packet->pts = packet->dts = out_->frames++;
            packet->stream_index = 0;
            av::check(av_write_frame(out_->output.get(), packet), "cannot write to " + device_);
            std::lock_guard lock(mutex_);
            ++written_;
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex_);
            failure_ = describe(e);
            return;
        }
    }
}

}  // namespace bgv::live
