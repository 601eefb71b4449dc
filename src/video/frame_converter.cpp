#include "video/frame_converter.h"

extern "C" {
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "av/ffmpeg.h"
#include "core/assert.h"
#include "core/error.h"
#include "core/file.h"

namespace bgv::video {

namespace fs = std::filesystem;

namespace {

// Zero bytes after a frame in the direct path's input, more than swscale's widest read past a
// row's end.
constexpr std::size_t kInputPadding = 64;

bool is_rgb(AVPixelFormat format) {
    return (av_pix_fmt_desc_get(format)->flags & AV_PIX_FMT_FLAG_RGB) != 0;
}

// Every byte of every buffer of `frame` set to zero: encoders read row padding, which must then
// hold the same bytes each time.
void clear_buffers(AVFrame* frame) {
    for (AVBufferRef* buffer : frame->buf)
        if (buffer != nullptr)
            std::memset(buffer->data, 0, buffer->size);
}

struct GraphDeleter {
    void operator()(AVFilterGraph* g) const { avfilter_graph_free(&g); }
};

// The blurred background's Gaussian: a thirtieth of the frame's height, wide enough that no shape
// of the picture is recognisable behind it.
double background_sigma(FrameSize target) {
    return std::max(2.0, target.height / 30.0);
}

}  // namespace

struct FrameConverter::Direct {
    std::unique_ptr<SwsContext, decltype(&sws_freeContext)> sws{nullptr, sws_freeContext};
    FrameSize size;
    std::vector<std::uint8_t> input;  // the frame, then kInputPadding zeros
    std::int64_t index = 0;
    bool pending = false;
};

struct FrameConverter::Graph {
    std::unique_ptr<AVFilterGraph, GraphDeleter> graph;
    AVFilterContext* source = nullptr;
    AVFilterContext* sink = nullptr;
    av::FramePtr filtered{av_frame_alloc()};

    AVFilterContext* add(const char* filter, const std::string& args) {
        AVFilterContext* context = nullptr;
        const std::string name = fmt::format("{}_{}", filter, graph->nb_filters);
        av::check(avfilter_graph_create_filter(&context, avfilter_get_by_name(filter), name.c_str(),
                                               args.empty() ? nullptr : args.c_str(), nullptr,
                                               graph.get()),
                  fmt::format("cannot make the {} filter ({})", filter, args));
        return context;
    }
    static AVFilterContext* link(AVFilterContext* from, AVFilterContext* to, unsigned input = 0) {
        av::check(avfilter_link(from, 0, to, input), "cannot link video filters");
        return to;
    }
    // Lanczos scaling of planar RGB (no colour conversion on the way) to `size`.
    AVFilterContext* scaled(AVFilterContext* from, FrameSize to) {
        auto* scale = link(from, add("scale", fmt::format("w={}:h={}:flags=lanczos+accurate_rnd",
                                                          to.width, to.height)));
        return link(scale, add("format", "pix_fmts=gbrp"));
    }
    // Scaled to cover the target and cut to it, as much on each side.
    AVFilterContext* covered(AVFilterContext* from, FrameSize original, FrameSize target) {
        const Placement p = cover(original, target);
        auto* big = scaled(from, {p.width, p.height});
        return link(big, add("crop", fmt::format("w={}:h={}:x={}:y={}:exact=1", target.width,
                                                 target.height, -p.x, -p.y)));
    }

    void build(const ConversionSpec& spec) {
        graph.reset(avfilter_graph_alloc());
        if (!graph)
            fail("cannot allocate a video filter graph");
        graph->nb_threads = std::max(1, spec.threads);
        source = add("buffer", fmt::format("video_size={}x{}:pix_fmt={}:time_base={}/{}:"
                                           "pixel_aspect=1/1",
                                           spec.source.width, spec.source.height,
                                           static_cast<int>(AV_PIX_FMT_RGB24), spec.frame_time.num,
                                           spec.frame_time.den));
        AVFilterContext* last = link(source, add("format", "pix_fmts=gbrp"));
        if (spec.source != spec.target) {
            const Placement inside = contain(spec.source, spec.target);
            if (inside.width == spec.target.width && inside.height == spec.target.height) {
                last = scaled(last, spec.target);
            } else if (spec.fit == Fit::crop) {
                last = covered(last, spec.source, spec.target);
            } else if (spec.fit == Fit::pad) {
                last = link(
                    scaled(last, {inside.width, inside.height}),
                    add("pad", fmt::format("w={}:h={}:x={}:y={}:color=black", spec.target.width,
                                           spec.target.height, inside.x, inside.y)));
            } else {
                auto* split = link(last, add("split", "outputs=2"));
                auto* background = covered(split, spec.source, spec.target);
                background =
                    link(background,
                         add("gblur", fmt::format("sigma={}", background_sigma(spec.target))));
                auto* overlay = add("overlay", fmt::format("x={}:y={}:format=gbrp:eof_action=pass",
                                                           inside.x, inside.y));
                link(background, overlay, 0);
                // The split's second output: the frame itself, scaled to fit, on top.
                auto* fit_scale = add("scale", fmt::format("w={}:h={}:flags=lanczos+accurate_rnd",
                                                           inside.width, inside.height));
                av::check(avfilter_link(split, 1, fit_scale, 0), "cannot link video filters");
                link(link(fit_scale, add("format", "pix_fmts=gbrp")), overlay, 1);
                last = overlay;
            }
        }
        if (!spec.burned.empty())
            last = link(last, subtitles(spec));
        const char* name = av_get_pix_fmt_name(spec.pix_fmt);
        const std::string conversion =
            is_rgb(spec.pix_fmt) ? std::string("flags=bicubic+accurate_rnd")
                                 : std::string(
                                       "flags=bicubic+accurate_rnd+full_chroma_inp:in_range=pc:"
                                       "out_range=tv:out_color_matrix=bt709");
        last = link(link(last, add("scale", conversion)),
                    add("format", fmt::format("pix_fmts={}", name)));
        sink = link(last, add("buffersink", ""));
        av::check(avfilter_graph_config(graph.get(), nullptr), "cannot set up the video filters");
    }

    // libass through FFmpeg's subtitles filter, reading the cues as an ASS script it loads while
    // it is initialised (the file is removed right after).
    AVFilterContext* subtitles(const ConversionSpec& spec) {
        BGV_ASSERT(!spec.scratch_script.empty(), "burning subtitles needs a scratch file");
        write_file_atomic(spec.scratch_script, ass_script(spec.burned, spec.style, spec.target));
        AVFilterContext* context = avfilter_graph_alloc_filter(
            graph.get(), avfilter_get_by_name("subtitles"), "burned_subtitles");
        if (context == nullptr)
            fail("this FFmpeg has no subtitles filter (libass)");
        av::check(
            av_opt_set(context, "filename", spec.scratch_script.c_str(), AV_OPT_SEARCH_CHILDREN),
            "cannot set the subtitles' file");
        const int status = avfilter_init_str(context, nullptr);
        std::error_code ignored;
        fs::remove(spec.scratch_script, ignored);
        av::check(status, "cannot read the subtitles to burn in");
        return context;
    }
};

bool FrameConverter::filters(const ConversionSpec& spec) {
    return spec.source != spec.target || !spec.burned.empty();
}

FrameConverter::FrameConverter(const ConversionSpec& spec) {
    BGV_ASSERT(spec.source.width > 0 && spec.source.height > 0 && spec.target.width > 0 &&
                   spec.target.height > 0,
               "frame conversion from {}x{} to {}x{}", spec.source.width, spec.source.height,
               spec.target.width, spec.target.height);
    av::quiet_logs();
    if (filters(spec)) {
        graph_ = std::make_unique<Graph>();
        graph_->build(spec);
        return;
    }
    direct_ = std::make_unique<Direct>();
    direct_->size = spec.source;
    direct_->sws.reset(sws_getContext(spec.source.width, spec.source.height, AV_PIX_FMT_RGB24,
                                      spec.source.width, spec.source.height, spec.pix_fmt,
                                      SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INP, nullptr,
                                      nullptr, nullptr));
    if (!direct_->sws)
        fail("cannot convert RGB to {}", av_get_pix_fmt_name(spec.pix_fmt));
    if (!is_rgb(spec.pix_fmt)) {
        // RGB -> BT.709 limited range, matching the encoder's tags.
        const int* coefficients = sws_getCoefficients(SWS_CS_ITU709);
        sws_setColorspaceDetails(direct_->sws.get(), coefficients, 1, coefficients, 0, 0, 1 << 16,
                                 1 << 16);
    }
    direct_->input.assign(
        static_cast<std::size_t>(spec.source.width) * spec.source.height * 3 + kInputPadding, 0);
}

FrameConverter::~FrameConverter() = default;

void FrameConverter::push(std::span<const std::uint8_t> rgb, std::int64_t index) {
    if (direct_) {
        BGV_ASSERT(!direct_->pending, "frame {} pushed before frame {} was pulled", index,
                   direct_->index);
        BGV_ASSERT(rgb.size() + kInputPadding == direct_->input.size(), "{} bytes for a frame",
                   rgb.size());
        // swscale's SIMD reads a little past the last pixel: the copy has zeros there.
        std::copy(rgb.begin(), rgb.end(), direct_->input.begin());
        direct_->index = index;
        direct_->pending = true;
        return;
    }
    const AVFilterLink* in = graph_->source->outputs[0];
    BGV_ASSERT(rgb.size() == static_cast<std::size_t>(in->w) * in->h * 3, "{} bytes for a frame",
               rgb.size());
    av::FramePtr frame(av_frame_alloc());
    frame->format = AV_PIX_FMT_RGB24;
    frame->width = in->w;
    frame->height = in->h;
    av::check(av_frame_get_buffer(frame.get(), 0), "cannot allocate a video frame");
    clear_buffers(frame.get());
    const std::size_t row = static_cast<std::size_t>(in->w) * 3;
    for (int y = 0; y < in->h; ++y)
        std::memcpy(frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0],
                    rgb.data() + y * row, row);
    frame->pts = index;
    av::check(av_buffersrc_add_frame_flags(graph_->source, frame.get(), 0),
              "cannot filter a video frame");
}

void FrameConverter::flush() {
    if (graph_)
        av::check(av_buffersrc_add_frame_flags(graph_->source, nullptr, 0),
                  "cannot finish the video filters");
}

bool FrameConverter::pull(AVFrame* out) {
    av::check(av_frame_make_writable(out), "cannot write a video frame");
    if (direct_) {
        if (!direct_->pending)
            return false;
        clear_buffers(out);
        const std::uint8_t* source[1] = {direct_->input.data()};
        const int stride[1] = {direct_->size.width * 3};
        sws_scale(direct_->sws.get(), source, stride, 0, direct_->size.height, out->data,
                  out->linesize);
        out->pts = direct_->index;
        direct_->pending = false;
        return true;
    }
    AVFrame* filtered = graph_->filtered.get();
    const int status = av_buffersink_get_frame(graph_->sink, filtered);
    if (status == AVERROR(EAGAIN) || status == AVERROR_EOF)
        return false;
    av::check(status, "video filtering failed");
    BGV_ASSERT(filtered->width == out->width && filtered->height == out->height &&
                   filtered->format == out->format,
               "filtered frame {}x{} format {} for {}x{} format {}", filtered->width,
               filtered->height, filtered->format, out->width, out->height, out->format);
    clear_buffers(out);
    av::check(av_frame_copy(out, filtered), "cannot copy a filtered frame");
    out->pts = filtered->pts;
    av_frame_unref(filtered);
    return true;
}

}  // namespace bgv::video
