// features/real_fft: real-to-complex FFTs (and their inverses) of one length on FFTW plans made
// once per length and shared by every thread (FFTW's planner is not thread-safe; its execute
// functions are).
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <span>

namespace bgv::features {

// A forward real-to-complex FFT of length n (n/2 + 1 outputs), in double precision, with its own
// aligned input and output buffers: make one per thread, the plan behind it is shared.
class RealFft {
  public:
    explicit RealFft(int n);
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;
    RealFft(RealFft&&) noexcept;
    RealFft& operator=(RealFft&&) noexcept;

    int size() const { return n_; }
    // Fill input() (n values), then call execute(); output() then holds n/2 + 1 bins.
    std::span<double> input() { return {in_, static_cast<std::size_t>(n_)}; }
    void execute();
    std::span<const std::complex<double>> output() const {
        return {reinterpret_cast<const std::complex<double>*>(out_),
                static_cast<std::size_t>(n_ / 2 + 1)};
    }

  private:
    int n_ = 0;
    void* plan_ = nullptr;  // fftw_plan, owned by the shared cache
    double* in_ = nullptr;
    double* out_ = nullptr;  // interleaved complex
};

// The inverse of RealFft without the 1/n factor (FFTW's c2r, numpy.fft.irfft times n): n/2 + 1
// bins in (the imaginary parts of bin 0 and, for even n, bin n/2 are ignored), n real values out.
// One per thread, like RealFft; execute() overwrites the input.
class InverseRealFft {
  public:
    explicit InverseRealFft(int n);
    ~InverseRealFft();
    InverseRealFft(const InverseRealFft&) = delete;
    InverseRealFft& operator=(const InverseRealFft&) = delete;

    int size() const { return n_; }
    std::span<std::complex<double>> input() {
        return {reinterpret_cast<std::complex<double>*>(in_), static_cast<std::size_t>(n_ / 2 + 1)};
    }
    void execute();
    std::span<const double> output() const { return {out_, static_cast<std::size_t>(n_)}; }

  private:
    int n_ = 0;
    void* plan_ = nullptr;  // fftw_plan, owned by the shared cache
    double* in_ = nullptr;  // interleaved complex
    double* out_ = nullptr;
};

// A complex-to-complex forward FFT of length n, used to build filter banks (not on hot paths).
void complex_fft(std::span<std::complex<double>> data);

}  // namespace bgv::features
