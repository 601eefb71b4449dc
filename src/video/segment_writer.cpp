#include "video/segment_writer.h"

extern "C" {
#include <libavutil/cpu.h>
#include <libavutil/opt.h>
}

#include <algorithm>
#include <string>
#include <utility>

#include "core/error.h"
#include "core/file.h"

namespace bgv::video {

namespace fs = std::filesystem;

namespace {

// x264's value for its "asm" parameter: the instruction sets of this CPU (as FFmpeg detects them)
// up to AVX2, leaving out AVX-512. x264's AVX-512 code reads memory it never wrote: on a CPU with
// AVX-512 the same frames encoded to other bytes when the heap had held NaNs before, so a piece
// re-encoded after a crash, or by another process of a shared render, differed from a clean run's.
// Empty (x264 chooses) on other architectures.
std::string x264_instruction_sets() {
#if defined(__x86_64__) || defined(__i386__)
    const int cpu = av_get_cpu_flags();
    // FFmpeg flag, x264 name; lzcnt came with bmi1 on both Intel and AMD.
    const std::pair<int, const char*> sets[] = {
        {AV_CPU_FLAG_MMXEXT, "MMX2"},  {AV_CPU_FLAG_SSE, "SSE"},     {AV_CPU_FLAG_SSE2, "SSE2"},
        {AV_CPU_FLAG_SSE3, "SSE3"},    {AV_CPU_FLAG_SSSE3, "SSSE3"}, {AV_CPU_FLAG_SSE4, "SSE4.1"},
        {AV_CPU_FLAG_SSE42, "SSE4.2"}, {AV_CPU_FLAG_AVX, "AVX"},     {AV_CPU_FLAG_XOP, "XOP"},
        {AV_CPU_FLAG_FMA4, "FMA4"},    {AV_CPU_FLAG_FMA3, "FMA3"},   {AV_CPU_FLAG_BMI1, "LZCNT"},
        {AV_CPU_FLAG_BMI1, "BMI1"},    {AV_CPU_FLAG_BMI2, "BMI2"},   {AV_CPU_FLAG_AVX2, "AVX2"},
    };
    std::string names;
    for (const auto& [flag, name] : sets) {
        if (cpu & flag)
            names += (names.empty() ? "" : ",") + std::string(name);
    }
    return names.empty() ? "0" : names;
#else
    return "";
#endif
}

}  // namespace

SegmentWriter::SegmentWriter(fs::path path, const EncoderSettings& settings, int max_frames)
    : path_(std::move(path)), temp_(path_.string() + ".tmp"), settings_(settings) {
    if (settings.width <= 0 || settings.height <= 0 || settings.width % 2 || settings.height % 2)
        fail("video size {}x{} must be positive and even", settings.width, settings.height);
    const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
    if (codec == nullptr)
        fail("this FFmpeg has no libx264 encoder (install libavcodec with x264 support)");

    output_ = av::open_mp4_output(temp_.c_str());
    codec_.reset(avcodec_alloc_context3(codec));
    const AVRational time_base{settings.frame_rate_den, settings.frame_rate_num};
    codec_->width = settings.width;
    codec_->height = settings.height;
    codec_->pix_fmt = AV_PIX_FMT_YUV420P;
    codec_->time_base = time_base;
    codec_->framerate = {settings.frame_rate_num, settings.frame_rate_den};
    codec_->gop_size = std::max(max_frames, 1);
    codec_->max_b_frames = 0;  // pts == dts, so pieces join by simply renumbering packets
    codec_->thread_count = settings.threads;
    codec_->color_range = AVCOL_RANGE_MPEG;
    codec_->colorspace = AVCOL_SPC_BT709;
    codec_->color_primaries = AVCOL_PRI_BT709;
    codec_->color_trc = AVCOL_TRC_BT709;
    codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
    av_opt_set(codec_->priv_data, "preset", settings.preset.c_str(), 0);
    av_opt_set_double(codec_->priv_data, "crf", settings.crf, 0);
    if (const std::string sets = x264_instruction_sets(); !sets.empty())
        av_opt_set(codec_->priv_data, "x264-params", ("asm=" + sets).c_str(), 0);
    av::check(avcodec_open2(codec_.get(), codec, nullptr), "cannot open the H.264 encoder");

    stream_ = avformat_new_stream(output_.get(), nullptr);
    if (stream_ == nullptr)
        fail("cannot add a video stream");
    av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()),
              "cannot describe the video stream");
    stream_->time_base = time_base;
    stream_->avg_frame_rate = codec_->framerate;
    av::check(avformat_write_header(output_.get(), nullptr), "cannot write the mp4 header");

    sws_.reset(sws_getContext(settings.width, settings.height, AV_PIX_FMT_RGB24, settings.width,
                              settings.height, AV_PIX_FMT_YUV420P,
                              SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr, nullptr,
                              nullptr));
    if (!sws_)
        fail("cannot convert RGB to yuv420p");
    // RGB -> BT.709 limited range, matching the tags above.
    const int* coefficients = sws_getCoefficients(SWS_CS_ITU709);
    sws_setColorspaceDetails(sws_.get(), coefficients, 1, coefficients, 0, 0, 1 << 16, 1 << 16);

    frame_.reset(av_frame_alloc());
    frame_->format = AV_PIX_FMT_YUV420P;
    frame_->width = settings.width;
    frame_->height = settings.height;
    av::check(av_frame_get_buffer(frame_.get(), 0), "cannot allocate a video frame");
    packet_.reset(av_packet_alloc());
    input_.assign(static_cast<std::size_t>(settings.width) * settings.height * 3 + kInputPadding,
                  0);
}

SegmentWriter::~SegmentWriter() {
    if (!finished_) {
        output_.reset();
        std::error_code ignored;
        fs::remove(temp_, ignored);
    }
}

void SegmentWriter::add_frame(std::span<const std::uint8_t> rgb) {
    const auto expected = static_cast<std::size_t>(settings_.width) * settings_.height * 3;
    if (rgb.size() != expected)
        fail("frame of {} bytes, expected {}", rgb.size(), expected);
    av::check(av_frame_make_writable(frame_.get()), "cannot write a video frame");
    // Same frames must give the same bytes: swscale's SIMD reads a little past the last pixel and
    // x264 reads the planes' row padding, so both read only memory whose contents are fixed (the
    // frame copied into a buffer with zeroed padding, the planes cleared before conversion).
    std::copy(rgb.begin(), rgb.end(), input_.begin());
    for (int plane = 0; plane < 3; ++plane) {
        const int rows = plane == 0 ? settings_.height : (settings_.height + 1) / 2;
        std::fill_n(frame_->data[plane], static_cast<std::size_t>(frame_->linesize[plane]) * rows,
                    std::uint8_t{0});
    }
    const std::uint8_t* source[1] = {input_.data()};
    const int stride[1] = {settings_.width * 3};
    sws_scale(sws_.get(), source, stride, 0, settings_.height, frame_->data, frame_->linesize);
    frame_->pts = frames_++;
    av::check(avcodec_send_frame(codec_.get(), frame_.get()), "H.264 encoding failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_.get(), stream_, false,
                              "the H.264 video");
}

void SegmentWriter::finish() {
    av::check(avcodec_send_frame(codec_.get(), nullptr), "H.264 encoding failed");
    av::write_encoded_packets(codec_.get(), packet_.get(), output_.get(), stream_, true,
                              "the H.264 video");
    av::check(av_write_trailer(output_.get()), "cannot finish " + temp_.string());
    output_.reset();
    sync_file(temp_);
    std::error_code error;
    fs::rename(temp_, path_, error);
    if (error)
        fail("{}: cannot rename into place: {}", path_.string(), error.message());
    sync_directory(path_.parent_path());
    finished_ = true;
}

}  // namespace bgv::video
