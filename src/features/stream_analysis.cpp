#include "features/stream_analysis.h"

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/assert.h"
#include "core/error.h"
#include "features/features.h"
#include "features/stft.h"
#include "features/stft_chroma.h"

namespace bgv::features {
namespace {

constexpr int kFftSize = kMelFftSize;  // the mel spectrogram's, shared by every feature here
constexpr int kHalfWindow = kFftSize / 2;
constexpr int kBins = kFftSize / 2 + 1;

// power_and_gradient's mean of a mel column: double, in band order.
double mean_of(std::span<const float, kMelBands> mel) {
    double sum = 0;
    for (const float band : mel) {
        sum += band;
    }
    return sum / kMelBands;
}

int frames_in(double seconds, int hop) {
    return std::max(1, static_cast<int>(std::lround(seconds * kSampleRate / hop)));
}

const StreamAnalysisOptions& checked(const StreamAnalysisOptions& options) {
    if (options.hop < 1) {
        fail("the live analysis hop must be at least 1 sample, not {}", options.hop);
    }
    if (!(options.normalisation_seconds > 0)) {
        fail("the live normalisation window must be positive, not {} s",
             options.normalisation_seconds);
    }
    return options;
}

}  // namespace

StreamAnalyzer::StreamAnalyzer(const StreamAnalysisOptions& options)
    : options_(checked(options)),
      window_(periodic_hann(kFftSize)),
      mel_bank_(mel_filter_bank(kSampleRate, kFftSize, kMelBands, 0.0, kMelFmax)),
      onset_bank_(mel_filter_bank(kSampleRate, kFftSize, kMelBands, 0.0, 0.5 * kSampleRate)),
      chroma_bank_(chroma_stft_filter_bank(kSampleRate, kFftSize, 0.0)),
      fft_(kFftSize),
      percussive_mask_(kBins, options.percussive_history),
      onset_(kMelBands),
      onset_percussive_(kMelBands),
      power_range_(frames_in(options.normalisation_seconds, options.hop)),
      rise_range_(frames_in(options.normalisation_seconds, options.hop)),
      rms_range_(frames_in(options.normalisation_seconds, options.hop)),
      buffer_(static_cast<std::size_t>(kHalfWindow), 0.0F),  // librosa's zero padding in front
      buffer_start_(-kHalfWindow),
      power_(kBins),
      percussive_power_(kBins),
      onset_mel_(kMelBands) {}

void StreamAnalyzer::push(std::span<const float> samples, const AnalysisFrameSink& sink) {
    BGV_ASSERT(!finished_, "samples pushed after the end of the stream");
    buffer_.insert(buffer_.end(), samples.begin(), samples.end());
    received_ += static_cast<std::int64_t>(samples.size());
    emit_ready_frames(sink);
}

void StreamAnalyzer::finish(const AnalysisFrameSink& sink) {
    BGV_ASSERT(!finished_, "the stream ended twice");
    finished_ = true;
    // The file render's last frame is received / hop; its window reaches n_fft/2 past its centre.
    const std::int64_t last_frame = received_ / options_.hop;
    const std::int64_t end = last_frame * options_.hop + kHalfWindow;
    const std::int64_t have = buffer_start_ + static_cast<std::int64_t>(buffer_.size());
    if (end > have) {
        buffer_.resize(buffer_.size() + static_cast<std::size_t>(end - have), 0.0F);
    }
    emit_ready_frames(sink);
    BGV_ASSERT(next_frame_ == last_frame + 1, "{} frames at the end, not {}", next_frame_,
               last_frame + 1);
}

void StreamAnalyzer::emit_ready_frames(const AnalysisFrameSink& sink) {
    const std::int64_t hop = options_.hop;
    const std::int64_t available = buffer_start_ + static_cast<std::int64_t>(buffer_.size());
    while (next_frame_ * hop + kHalfWindow <= available) {
        analyse_frame(sink);
    }
    // Keep what the next frame's window starts from, and for newest_window the window one hop
    // before the newest (the newest sample is at least the last frame's window end).
    const std::int64_t keep_from = next_frame_ * hop - kHalfWindow - 2 * hop;
    const std::int64_t drop = std::clamp<std::int64_t>(keep_from - buffer_start_, 0,
                                                       static_cast<std::int64_t>(buffer_.size()));
    buffer_.erase(buffer_.begin(), buffer_.begin() + drop);
    buffer_start_ += drop;
}

void StreamAnalyzer::analyse_frame(const AnalysisFrameSink& sink) {
    const std::int64_t t = next_frame_;
    const std::int64_t hop = options_.hop;
    const double squares = transform(t * hop - kHalfWindow);

    frame_.index = t;
    frame_.time_seconds = static_cast<double>(t * hop) / kSampleRate;
    frame_.ready_seconds = static_cast<double>(t * hop + kHalfWindow) / kSampleRate;
    frame_.rms = static_cast<float>(std::sqrt(squares / kFftSize));
    apply_mel_bank(mel_bank_, power_, frame_.mel);
    const double mean_power = mean_of(frame_.mel);
    frame_.power = static_cast<float>(mean_power);
    frame_.chroma = chroma_of_power(chroma_bank_, power_);

    apply_mel_bank(onset_bank_, power_, onset_mel_);
    frame_.onset = onset_.next(onset_mel_);
    percussive_mask_.split(power_, percussive_power_);
    apply_mel_bank(onset_bank_, percussive_power_, onset_mel_);
    frame_.onset_percussive = onset_percussive_.next(onset_mel_);
    frame_.onset_index = t + kFftSize / (2 * hop);
    frame_.onset_seconds = static_cast<double>(frame_.onset_index * hop) / kSampleRate;

    update_summaries(mean_power);
    sink(frame_);
    ++next_frame_;
}

double StreamAnalyzer::transform(std::int64_t first) {
    // The STFT frame exactly as for_each_stft_frame computes it, and the RMS of the same samples.
    // Samples before the buffer are zeros before the stream's start (its front padding).
    const std::int64_t offset = first - buffer_start_;
    BGV_ASSERT(offset + kFftSize <= static_cast<std::int64_t>(buffer_.size()) &&
                   (offset >= 0 || buffer_start_ <= 0),
               "samples {} to {} are not kept", first, first + kFftSize);
    auto in = fft_.input();
    double squares = 0;
    for (int i = 0; i < kFftSize; ++i) {
        const std::int64_t at = offset + i;
        const auto v = at >= 0 ? static_cast<double>(buffer_[static_cast<std::size_t>(at)]) : 0.0;
        squares += v * v;
        in[static_cast<std::size_t>(i)] = v * window_[static_cast<std::size_t>(i)];
    }
    fft_.execute();
    const auto spectrum = fft_.output();
    for (int k = 0; k < kBins; ++k) {
        power_[static_cast<std::size_t>(k)] = std::norm(spectrum[static_cast<std::size_t>(k)]);
    }
    return squares;
}

const AnalysisFrame& StreamAnalyzer::newest_window(bool onsets) {
    const std::int64_t end = received_;
    const std::int64_t hop = options_.hop;
    // The window one hop earlier, for the rise (the first frame has none, as in update_summaries).
    std::optional<double> before;
    if (end - hop >= kHalfWindow) {
        transform(end - hop - kFftSize);
        apply_mel_bank(mel_bank_, power_, newest_.mel);
        before = mean_of(newest_.mel);
    }
    const double squares = transform(end - kFftSize);
    newest_.index = -1;
    newest_.time_seconds = static_cast<double>(end - kHalfWindow) / kSampleRate;
    newest_.ready_seconds = static_cast<double>(end) / kSampleRate;
    newest_.rms = static_cast<float>(std::sqrt(squares / kFftSize));
    apply_mel_bank(mel_bank_, power_, newest_.mel);
    const double m = mean_of(newest_.mel);
    newest_.power = static_cast<float>(m);
    newest_.chroma = chroma_of_power(chroma_bank_, power_);
    newest_.onset = newest_.onset_percussive = 0;
    newest_.onset_index = 0;
    newest_.onset_seconds = 0;
    if (onsets) {
        apply_mel_bank(onset_bank_, power_, onset_mel_);
        newest_.onset = onset_.peek(onset_mel_);
        percussive_mask_.peek(power_, percussive_power_);
        apply_mel_bank(onset_bank_, percussive_power_, onset_mel_);
        newest_.onset_percussive = onset_percussive_.peek(onset_mel_);
    }
    scale(newest_, m, before ? std::max(0.0, m - *before) : 0.0);
    return newest_;
}

void StreamAnalyzer::scale(AnalysisFrame& frame, double m, double rise) const {
    frame.spec_mean = 0;
    frame.grad_mean = 0;
    // The ranges hold the frames emitted so far; a window between two frames counts in too.
    const double rms_max =
        std::max(rms_range_.empty() ? 0.0 : rms_range_.max(), static_cast<double>(frame.rms));
    if (rms_max < options_.silence_rms) {
        return;
    }
    const double low = power_range_.empty() ? m : std::min(power_range_.min(), m);
    const double high = power_range_.empty() ? m : std::max(power_range_.max(), m);
    if (high > low) {
        frame.spec_mean = static_cast<float>((m - low) / (high - low));
    }
    const double top = std::max(rise_range_.empty() ? 0.0 : rise_range_.max(), rise);
    if (top > 0) {
        frame.grad_mean = static_cast<float>(rise / top);
    }
}

void StreamAnalyzer::update_summaries(double m) {
    const double rise = frame_.index == 0 ? 0.0 : std::max(0.0, m - previous_power_);
    previous_power_ = m;
    power_range_.push(m);
    rise_range_.push(rise);
    rms_range_.push(frame_.rms);
    scale(frame_, m, rise);
}

}  // namespace bgv::features
