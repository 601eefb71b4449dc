#include "features/streaming_onset.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/assert.h"
#include "core/error.h"

namespace bgv::features {
namespace {

constexpr float kAminPower = 1e-10F;  // power_to_db's amin, as float32 (onset.cpp's)
constexpr float kTopDb = 80.0F;

}  // namespace

StreamingOnsetStrength::StreamingOnsetStrength(int n_mels) : n_mels_(n_mels) {
    if (n_mels < 1) {
        fail("onset strength over {} mel bands", n_mels);
    }
    previous_db_.assign(static_cast<std::size_t>(n_mels), 0.0F);
    db_.assign(static_cast<std::size_t>(n_mels), 0.0F);
}

float StreamingOnsetStrength::next(std::span<const float> mel_power) {
    return rise_over_previous(mel_power, true);
}

float StreamingOnsetStrength::peek(std::span<const float> mel_power) {
    return rise_over_previous(mel_power, false);
}

float StreamingOnsetStrength::rise_over_previous(std::span<const float> mel_power, bool keep) {
    BGV_ASSERT(static_cast<int>(mel_power.size()) == n_mels_, "{} bands, not {}", mel_power.size(),
               n_mels_);
    float loudest = first_ ? -std::numeric_limits<float>::infinity() : loudest_db_;
    for (std::size_t b = 0; b < db_.size(); ++b) {
        const float power = std::max(kAminPower, mel_power[b]);
        db_[b] = 10.0F * static_cast<float>(std::log10(static_cast<double>(power)));
        loudest = std::max(loudest, db_[b]);
    }
    float strength = 0.0F;
    if (!first_) {
        const float floor_db = loudest - kTopDb;
        float sum = 0.0F;
        for (std::size_t b = 0; b < db_.size(); ++b) {
            sum += std::max(0.0F, std::max(db_[b], floor_db) - std::max(previous_db_[b], floor_db));
        }
        strength = sum / static_cast<float>(n_mels_);
    }
    if (keep) {
        loudest_db_ = loudest;
        first_ = false;
        std::swap(previous_db_, db_);
    }
    return strength;
}

void apply_mel_bank(std::span<const MelBand> bank, std::span<const double> power,
                    std::span<float> mel_power) {
    BGV_ASSERT(mel_power.size() == bank.size(), "{} bands for {} filters", mel_power.size(),
               bank.size());
    for (std::size_t band = 0; band < bank.size(); ++band) {
        const auto& filter = bank[band];
        BGV_ASSERT(static_cast<std::size_t>(filter.first_bin) + filter.weights.size() <=
                   power.size());
        double sum = 0.0;
        for (std::size_t i = 0; i < filter.weights.size(); ++i) {
            sum += filter.weights[i] * power[static_cast<std::size_t>(filter.first_bin) + i];
        }
        mel_power[band] = static_cast<float>(sum);
    }
}

}  // namespace bgv::features
