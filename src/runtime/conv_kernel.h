// runtime/conv_kernel: the register-tiled convolution kernel behind FusedConv and
// UpsampledConv3x3, for the runtime's own sources: one implementation per instruction set
// (conv_kernel_avx512.cpp, conv_kernel_avx2.cpp, conv_kernel_generic.cpp), chosen by cpu_isa().
//
// A convolution here is a sum over taps: output pixel (n, y, x) reads, for each tap t, the
// input channels at origin(n, y, x) + taps[t], where origin = in + n·in_sample + y·in_row +
// x·in_pixel. Borders are zeros in memory (FeatureMap's border), so no tap is ever tested.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cpu_isa.h"
#include "runtime/feature_map.h"

namespace bgv::runtime {

// Output channels are computed in blocks of `block` (= vectors · lanes); each kernel picks how
// many pixels of a row share each weight load (its register tile's width) from the row length.
struct ConvTiling {
    int lanes = 1;
    int vectors = 1;  // per block
    int block() const { return lanes * vectors; }
};

// For a convolution of `out_channels` outputs over `inputs` = taps × input channels.
ConvTiling conv_tiling(CpuIsa isa, int out_channels, std::int64_t inputs);

// Weights given as [tap][in][out] floats, packed for the kernel: per block of output channels,
// [tap][in][block] (float32) or [tap][in / 2][block][2] (bfloat16 pairs of input channels).
// Output channels beyond out_channels in the last block are zero.
struct PackedConvWeights {
    CpuIsa isa = CpuIsa::generic;
    DataType type = DataType::f32;
    ConvTiling tiling;
    int taps = 0, in_channels = 0, out_channels = 0;
    std::vector<float> f32;
    std::vector<std::uint16_t> bf16;
    const void* data() const {
        return type == DataType::f32 ? static_cast<const void*>(f32.data())
                                     : static_cast<const void*>(bf16.data());
    }
};

PackedConvWeights pack_conv_weights(const std::vector<float>& tap_in_out, int taps, int in_channels,
                                    int out_channels, DataType type, CpuIsa isa);

std::uint16_t to_bf16(float value);  // round to nearest even
float from_bf16(std::uint16_t value);

struct ConvKernelArgs {
    // Input of the compute type (float32 or bfloat16), strides in elements.
    const void* in = nullptr;
    std::int64_t in_pixel = 0, in_row = 0, in_sample = 0;
    const std::int64_t* taps = nullptr;
    int tap_count = 0;
    // Prologue (one tap only): the input is float32 and is first made relu(in·scale + shift)
    // per (sample, channel) (scale and shift N×in, or null for none; relu optional) and
    // rounded to the compute type, a piece of a row at a time.
    bool prologue = false;
    const float* prologue_scale = nullptr;
    const float* prologue_shift = nullptr;
    bool prologue_relu = false;

    const PackedConvWeights* weights = nullptr;

    // Output grid and destination (of out_type), strides in elements.
    std::int64_t batch = 0, height = 0, width = 0;
    void* out = nullptr;
    DataType out_type = DataType::f32;
    std::int64_t out_pixel = 0, out_row = 0, out_sample = 0;

    // Epilogue, in this order: + bias[o]; + residual (float32, pixel (y >> up, x >> up): a
    // nearest-neighbour upsampled skip when residual_upsample is 1; may be `out` itself);
    // · scale[n, o] + shift[n, o] (affine_sample_stride 0: the same for every sample); relu.
    const float* bias = nullptr;
    const float* residual = nullptr;
    std::int64_t residual_pixel = 0, residual_row = 0, residual_sample = 0;
    int residual_upsample = 0;
    const float* scale = nullptr;
    const float* shift = nullptr;
    std::int64_t affine_sample_stride = 0;
    bool relu = false;
    // Store with non-temporal writes (an output much larger than the caches, read back by the
    // next layer from memory anyway: no read for ownership).
    bool stream_out = false;
};

// Every kernel walks its work block-major (a thread's consecutive items share a block of output
// channels' weights, which stay in L2 while the input is re-read for each block) unless all the
// weights fit in this many bytes (few inputs: the largest images' 1×1 convolutions): then pixel-
// major, every block of a piece of pixels at once, its input read once and its output pixels
// written whole.
constexpr std::int64_t kPixelMajorMaxWeightBytes = 256 << 10;

// Runs the whole convolution on the calling thread's OpenMP team (threads as set by the engine),
// with the implementation the weights were packed for; returns its name ("amx", "avx512_bf16",
// "avx512", "avx2" or "generic").
std::string_view run_conv_kernel(const ConvKernelArgs& args);
// "bgv:avx512 f32 x64" and the like: the kernel (as run_conv_kernel names it) and the weights'
// type and block of outputs.
std::string conv_kernel_name(const PackedConvWeights& weights, std::string_view kernel);

// One implementation per instruction set (run_conv_kernel picks by the weights' isa).
namespace kernels {
void conv_avx512(const ConvKernelArgs& args);
void conv_avx512_bf16(const ConvKernelArgs& args);
// AMX: bfloat16 weights in blocks of 32 outputs, input channels a multiple of 32, outputs of 32,
// an input whose rows are whole pixels apart, and a process the kernel lends the tiles to.
bool amx_fits(const ConvKernelArgs& args);
void conv_amx(const ConvKernelArgs& args);
void conv_avx2(const ConvKernelArgs& args);
void conv_generic(const ConvKernelArgs& args);
}  // namespace kernels

}  // namespace bgv::runtime
