#include "aubio_beats.h"

#include <aubio/aubio.h>

#include <stdexcept>

#include "bench_timing.h"

namespace bgv::bench {

AubioRun run_aubio_tempo(std::span<const float> samples, int window, int hop) {
    constexpr unsigned kRate = 22050;
    aubio_tempo_t* tempo = new_aubio_tempo("default", static_cast<unsigned>(window),
                                           static_cast<unsigned>(hop), kRate);
    if (tempo == nullptr) {
        throw std::runtime_error("aubio refused its tempo tracker's parameters");
    }
    fvec_t* in = new_fvec(static_cast<unsigned>(hop));
    fvec_t* out = new_fvec(2);
    AubioRun run;
    const double start = cpu_seconds();
    for (std::size_t at = 0; at + static_cast<std::size_t>(hop) <= samples.size();
         at += static_cast<std::size_t>(hop)) {
        for (int k = 0; k < hop; ++k) {
            in->data[k] = samples[at + static_cast<std::size_t>(k)];
        }
        aubio_tempo_do(tempo, in, out);
        if (out->data[0] != 0) {
            run.beats.push_back(aubio_tempo_get_last_s(tempo));
            run.bpm.push_back(aubio_tempo_get_bpm(tempo));
        }
    }
    run.cpu_seconds = cpu_seconds() - start;
    del_fvec(in);
    del_fvec(out);
    del_aubio_tempo(tempo);
    return run;
}

}  // namespace bgv::bench
