#include "features/features.h"

#include "features/analysis.h"

namespace bgv::features {

Features compute_features(std::span<const float> samples, int sample_rate, int hop,
                          const FeatureOptions& options) {
    return analyse_song(samples, sample_rate, hop, {.features = true, .rhythm = false}, options)
        .features;
}

}  // namespace bgv::features
