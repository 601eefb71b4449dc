#include "audio/section_stream.h"

#include <algorithm>

#include "core/assert.h"

namespace bgv::audio {

namespace {

// Thrown from decode_section's sink to end the decode when the reader has gone.
struct Stopped {};

}  // namespace

SectionStream::SectionStream(const std::filesystem::path& path, const Section& section,
                             std::size_t chunks_ahead)
    : capacity_(std::max<std::size_t>(chunks_ahead, 1)) {
    decoder_ = std::thread([this, path, section] { decode(path, section); });
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return began_ || finished_; });
    if (!began_ && error_) {
        lock.unlock();
        decoder_.join();
        std::rethrow_exception(error_);
    }
}

SectionStream::~SectionStream() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        changed_.notify_all();
    }
    decoder_.join();
}

void SectionStream::decode(const std::filesystem::path& path, const Section& section) {
    try {
        decode_section(
            path, section, true,
            [&](const StreamInfo& info) {
                std::lock_guard lock(mutex_);
                info_ = info;
                began_ = true;
                changed_.notify_all();
            },
            [&](const Chunk& chunk) {
                std::unique_lock lock(mutex_);
                changed_.wait(lock, [&] { return stopping_ || chunks_.size() < capacity_; });
                if (stopping_)
                    throw Stopped{};
                chunks_.emplace_back(chunk.interleaved.begin(), chunk.interleaved.end());
                changed_.notify_all();
            });
    } catch (const Stopped&) {
    } catch (...) {
        std::lock_guard lock(mutex_);
        error_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    finished_ = true;
    changed_.notify_all();
}

std::size_t SectionStream::read(std::span<float> into) {
    const auto channels = static_cast<std::size_t>(info_.channels);
    BGV_ASSERT(channels > 0 && into.size() % channels == 0,
               "a read of {} floats is not whole sample times of {} channels", into.size(),
               channels);
    std::size_t copied = 0;
    std::unique_lock lock(mutex_);
    while (copied < into.size()) {
        changed_.wait(lock, [&] { return finished_ || !chunks_.empty(); });
        if (chunks_.empty()) {
            if (error_)
                std::rethrow_exception(error_);
            break;
        }
        const std::vector<float>& front = chunks_.front();
        const std::size_t count = std::min(front.size() - taken_from_front_, into.size() - copied);
        std::copy_n(front.begin() + static_cast<std::ptrdiff_t>(taken_from_front_), count,
                    into.begin() + static_cast<std::ptrdiff_t>(copied));
        copied += count;
        taken_from_front_ += count;
        if (taken_from_front_ == front.size()) {
            chunks_.pop_front();
            taken_from_front_ = 0;
            changed_.notify_all();
        }
    }
    BGV_ASSERT(copied % channels == 0, "a chunk ended inside a sample time");
    return copied / channels;
}

}  // namespace bgv::audio
