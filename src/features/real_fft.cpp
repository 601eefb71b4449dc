#include "features/real_fft.h"

#include <fftw3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include "core/error.h"

namespace bgv::features {
namespace {

// FFTW's planner (and fftw_malloc'd scratch used only while planning) must not run on two threads
// at once; plans live for the program's lifetime so that every RealFft of a length shares one.
std::mutex& planner_mutex() {
    static std::mutex mutex;
    return mutex;
}

fftw_plan shared_r2c_plan(int n) {
    static std::map<int, fftw_plan> plans;
    std::lock_guard lock(planner_mutex());
    auto found = plans.find(n);
    if (found != plans.end()) {
        return found->second;
    }
    auto* in = fftw_alloc_real(static_cast<std::size_t>(n));
    auto* out = fftw_alloc_complex(static_cast<std::size_t>(n / 2 + 1));
    fftw_plan plan = fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
    fftw_free(in);
    fftw_free(out);
    if (plan == nullptr) {
        fail("FFTW could not plan a real FFT of length {}", n);
    }
    plans.emplace(n, plan);
    return plan;
}

}  // namespace

RealFft::RealFft(int n) : n_(n) {
    if (n < 2 || n % 2 != 0) {
        fail("real FFT length must be even and at least 2, not {}", n);
    }
    plan_ = shared_r2c_plan(n);
    in_ = fftw_alloc_real(static_cast<std::size_t>(n));
    out_ = reinterpret_cast<double*>(fftw_alloc_complex(static_cast<std::size_t>(n / 2 + 1)));
}

RealFft::~RealFft() {
    fftw_free(in_);
    fftw_free(out_);
}

RealFft::RealFft(RealFft&& other) noexcept
    : n_(std::exchange(other.n_, 0)),
      plan_(std::exchange(other.plan_, nullptr)),
      in_(std::exchange(other.in_, nullptr)),
      out_(std::exchange(other.out_, nullptr)) {}

RealFft& RealFft::operator=(RealFft&& other) noexcept {
    if (this != &other) {
        fftw_free(in_);
        fftw_free(out_);
        n_ = std::exchange(other.n_, 0);
        plan_ = std::exchange(other.plan_, nullptr);
        in_ = std::exchange(other.in_, nullptr);
        out_ = std::exchange(other.out_, nullptr);
    }
    return *this;
}

void RealFft::execute() {
    // New-array execution is thread-safe; the buffers come from fftw_malloc, so they have the
    // alignment the shared plan was made for.
    fftw_execute_dft_r2c(static_cast<fftw_plan>(plan_), in_, reinterpret_cast<fftw_complex*>(out_));
}

void complex_fft(std::span<std::complex<double>> data) {
    const int n = static_cast<int>(data.size());
    auto* buffer = fftw_alloc_complex(data.size());
    fftw_plan plan;
    {
        std::lock_guard lock(planner_mutex());
        plan = fftw_plan_dft_1d(n, buffer, buffer, FFTW_FORWARD, FFTW_ESTIMATE);
    }
    if (plan == nullptr) {
        fftw_free(buffer);
        fail("FFTW could not plan a complex FFT of length {}", n);
    }
    std::copy(data.begin(), data.end(), reinterpret_cast<std::complex<double>*>(buffer));
    fftw_execute(plan);
    std::copy_n(reinterpret_cast<const std::complex<double>*>(buffer), data.size(), data.begin());
    {
        std::lock_guard lock(planner_mutex());
        fftw_destroy_plan(plan);
    }
    fftw_free(buffer);
}

}  // namespace bgv::features
