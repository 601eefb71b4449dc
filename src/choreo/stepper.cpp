#include "choreo/stepper.h"

#include "core/assert.h"

namespace bgv::choreo {

void VectorsCollector::put(std::span<const double> noise, std::span<const double> classes) {
    vectors_.noise.insert(vectors_.noise.end(), noise.begin(), noise.end());
    vectors_.classes.insert(vectors_.classes.end(), classes.begin(), classes.end());
    ++vectors_.count;
}

void CueSink::put(std::span<const double> noise, std::span<const double> classes) {
    row_.assign(classes.begin(), classes.end());
    apply_cues_to_row(row_, frame_++, cues_);
    next_.put(noise, row_);
}

void ClassSmoother::put(std::span<const double> noise, std::span<const double> classes) {
    if (window_ < 2) {
        next_.put(noise, classes);
        return;
    }
    if (held_.empty() || held_.back().rows == window_)
        held_.push_back({});
    Window& open = held_.back();
    open.noise.insert(open.noise.end(), noise.begin(), noise.end());
    open.classes.insert(open.classes.end(), classes.begin(), classes.end());
    ++open.rows;
    if (open.rows < window_)
        return;
    // The open window is complete: it is the target of the one before it, which can go now.
    const std::size_t width = classes.size();
    open.mean.assign(width, 0.0);
    for (std::int64_t r = 0; r < open.rows; ++r) {
        for (std::size_t c = 0; c < width; ++c)
            open.mean[c] += open.classes[r * width + c];
    }
    for (double& m : open.mean)
        m /= static_cast<double>(open.rows);
    if (held_.size() == 2) {
        send(held_.front(), held_.back().mean);
        held_.erase(held_.begin());
    }
}

void ClassSmoother::finish() {
    if (held_.empty())
        return;
    Window& last = held_.back();
    if (last.mean.empty()) {  // a last window shorter than the others
        const std::size_t width = last.classes.size() / static_cast<std::size_t>(last.rows);
        last.mean.assign(width, 0.0);
        for (std::int64_t r = 0; r < last.rows; ++r) {
            for (std::size_t c = 0; c < width; ++c)
                last.mean[c] += last.classes[r * width + c];
        }
        for (double& m : last.mean)
            m /= static_cast<double>(last.rows);
    }
    if (held_.size() == 2)
        send(held_.front(), last.mean);
    send(last, last.mean);  // the last window blends towards its own mean
    held_.clear();
}

void ClassSmoother::send(const Window& window, const std::vector<double>& towards) {
    BGV_ASSERT(!window.mean.empty(), "a window is sent before its mean is known");
    const std::size_t width = window.mean.size();
    const std::size_t noise_width = window.noise.size() / static_cast<std::size_t>(window.rows);
    std::vector<double> row(width);
    for (std::int64_t r = 0; r < window.rows; ++r) {
        const double weight = static_cast<double>(r) / (window_ - 1);
        for (std::size_t c = 0; c < width; ++c)
            row[c] = window.mean[c] * (1 - weight) + towards[c] * weight;
        next_.put(std::span(window.noise).subspan(r * noise_width, noise_width), row);
    }
}

void CausalClassSmoother::set_window(int window) {
    // The exponential average whose centre of mass lies as far back as a window's middle.
    keep_ = window < 2 ? 0.0 : 1.0 - 2.0 / (window + 1.0);
}

void CausalClassSmoother::put(std::span<const double> noise, std::span<const double> classes) {
    if (average_.size() != classes.size()) {
        average_.assign(classes.begin(), classes.end());
    } else {
        for (std::size_t c = 0; c < classes.size(); ++c)
            average_[c] = keep_ * average_[c] + (1 - keep_) * classes[c];
    }
    next_.put(noise, average_);
}

}  // namespace bgv::choreo
