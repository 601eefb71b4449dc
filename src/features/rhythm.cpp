#include "features/rhythm.h"

#include "features/analysis.h"

namespace bgv::features {

Rhythm compute_rhythm(std::span<const float> mono_22050, int hop) {
    return analyse_song(mono_22050, kSampleRate, hop, {.features = false, .rhythm = true}).rhythm;
}

}  // namespace bgv::features
