#include "features/real_fft.h"

#include <fftw3.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <utility>

#include "core/error.h"

namespace bgv::features {
namespace {

// FFTW's planner must not run on two threads at once; plans are made once per length and kept
// until the program ends, when they are destroyed (so that leak checkers see no leak).
class PlanCache {
  public:
    enum class Kind { kRealToComplex, kComplexToReal, kComplexForward };

    ~PlanCache() {
        for (auto& [key, plan] : plans_) {
            fftw_destroy_plan(plan);
        }
    }

    // The plan of one kind and length, made on first use (with scratch buffers of FFTW's
    // alignment, which every buffer executed later has too).
    fftw_plan get(Kind kind, int n) {
        std::lock_guard lock(mutex_);
        const auto found = plans_.find({kind, n});
        if (found != plans_.end()) {
            return found->second;
        }
        const auto reals = static_cast<std::size_t>(n);
        const auto bins = static_cast<std::size_t>(n / 2 + 1);
        fftw_plan plan = nullptr;
        const char* what = "";
        if (kind == Kind::kRealToComplex) {
            auto* in = fftw_alloc_real(reals);
            auto* out = fftw_alloc_complex(bins);
            plan = fftw_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
            fftw_free(in);
            fftw_free(out);
            what = "a real FFT";
        } else if (kind == Kind::kComplexToReal) {
            auto* in = fftw_alloc_complex(bins);
            auto* out = fftw_alloc_real(reals);
            plan = fftw_plan_dft_c2r_1d(n, in, out, FFTW_ESTIMATE);
            fftw_free(in);
            fftw_free(out);
            what = "an inverse real FFT";
        } else {  // in place
            auto* scratch = fftw_alloc_complex(reals);
            plan = fftw_plan_dft_1d(n, scratch, scratch, FFTW_FORWARD, FFTW_ESTIMATE);
            fftw_free(scratch);
            what = "a complex FFT";
        }
        if (plan == nullptr) {
            fail("FFTW could not plan {} of length {}", what, n);
        }
        plans_.emplace(std::pair{kind, n}, plan);
        return plan;
    }

  private:
    std::mutex mutex_;
    std::map<std::pair<Kind, int>, fftw_plan> plans_;
};

PlanCache& plan_cache() {
    static PlanCache cache;
    return cache;
}

}  // namespace

RealFft::RealFft(int n) : n_(n) {
    if (n < 2 || n % 2 != 0) {
        fail("real FFT length must be even and at least 2, not {}", n);
    }
    plan_ = plan_cache().get(PlanCache::Kind::kRealToComplex, n);
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

InverseRealFft::InverseRealFft(int n) : n_(n) {
    if (n < 1) {
        fail("inverse real FFT length must be positive, not {}", n);
    }
    plan_ = plan_cache().get(PlanCache::Kind::kComplexToReal, n);
    in_ = reinterpret_cast<double*>(fftw_alloc_complex(static_cast<std::size_t>(n / 2 + 1)));
    out_ = fftw_alloc_real(static_cast<std::size_t>(n));
}

InverseRealFft::~InverseRealFft() {
    fftw_free(in_);
    fftw_free(out_);
}

void InverseRealFft::execute() {
    fftw_execute_dft_c2r(static_cast<fftw_plan>(plan_), reinterpret_cast<fftw_complex*>(in_), out_);
}

void complex_fft(std::span<std::complex<double>> data) {
    const fftw_plan plan =
        plan_cache().get(PlanCache::Kind::kComplexForward, static_cast<int>(data.size()));
    auto* buffer = fftw_alloc_complex(data.size());
    std::copy(data.begin(), data.end(), reinterpret_cast<std::complex<double>*>(buffer));
    fftw_execute_dft(plan, buffer, buffer);
    std::copy_n(reinterpret_cast<const std::complex<double>*>(buffer), data.size(), data.begin());
    fftw_free(buffer);
}

}  // namespace bgv::features
