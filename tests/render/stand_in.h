// Helpers of the in-process render tests: a stand-in generator (cheap pictures computed from z
// and y), options for a small render in a test folder, and a render killed from outside.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "core/error.h"
#include "core/file.h"
#include "core/npy.h"
#include "render/renderer.h"
#include "render/saved_vectors.h"
#include "render_test_support.h"

namespace bgv::test {

// A picture that depends on every input the real generator reads, so that wrong vectors or a
// frame out of place show in the decoded video.
// 32×32 pixels for the square grid, 8 per cell of another.
class StandInGenerator : public bgv::render::FrameGenerator {
  public:
    int width() const override { return grid_.width(32); }
    int height() const override { return grid_.height(32); }
    void set_grid(const bgv::biggan::Grid& grid) override { grid_ = grid; }
    void generate(std::span<const float> z, std::span<const float> y, int batch,
                  std::span<std::uint8_t> rgb) override {
        const int pixels = width() * height();
        for (int b = 0; b < batch; ++b) {
            int best = 0;
            for (int c = 1; c < 1000; ++c)
                best = y[b * 1000 + c] > y[b * 1000 + best] ? c : best;
            for (int p = 0; p < pixels; ++p) {
                const float noise = z[b * 128 + p % 128];
                auto* px = &rgb[(static_cast<std::size_t>(b) * pixels + p) * 3];
                px[0] = static_cast<std::uint8_t>(128 + 60 * std::tanh(noise));
                px[1] = static_cast<std::uint8_t>(best % 256);
                px[2] = static_cast<std::uint8_t>(128 + 100 * y[b * 1000 + best]);
            }
        }
    }

  private:
    bgv::biggan::Grid grid_;
};

// The vectors in a saved_vectors/ folder, read whole (a few frames in these tests).
inline bgv::choreo::Vectors read_saved_vectors(const fs::path& dir) {
    bgv::choreo::Vectors v;
    v.noise = bgv::read_npy_f64(dir / bgv::render::kNoiseVectorsFile).data;
    v.classes = bgv::read_npy_f64(dir / bgv::render::kClassVectorsFile).data;
    v.count = static_cast<std::int64_t>(v.noise.size()) / bgv::choreo::kNoiseSize;
    return v;
}

// Saves `v` as a render would: from .npy files (written beside `dir`) as one set.
inline void save_vectors_as_a_render(const fs::path& dir, const bgv::choreo::Vectors& v,
                                     const nlohmann::json& record) {
    const fs::path noise = dir.string() + ".noise.npy", classes = dir.string() + ".classes.npy";
    bgv::write_npy(noise, std::span<const double>(v.noise), {v.count, bgv::choreo::kNoiseSize});
    bgv::write_npy(classes, std::span<const double>(v.classes),
                   {v.count, bgv::choreo::kImageNetClasses});
    bgv::render::save_vector_set(dir, noise, classes, record);
    fs::remove(noise);
    fs::remove(classes);
}

inline bgv::render::GeneratorFactory stand_in() {
    return [](const fs::path&, double, int) { return std::make_unique<StandInGenerator>(); };
}

inline bgv::render::RenderOptions options_in(const fs::path& dir, const std::string& song) {
    bgv::render::RenderOptions o;
    o.song = render_data() / song;
    o.output = dir / "out.mp4";
    o.weights = dir / "weights.bin";
    bgv::write_file_atomic(*o.weights, "stand-in");
    o.vectors_dir = dir / "saved_vectors";
    o.choreo.frame_length = 2048;  // ~10.8 frames per second: few frames, same code paths
    o.seed = 5;
    o.batch_size = 3;
    o.segment_frames = 4;
    return o;
}

// A stand-in that stops forever once it has made `frames` frames: the render it serves hangs
// there, with the pieces before finished, until the test kills it.
class HangingGenerator : public StandInGenerator {
  public:
    explicit HangingGenerator(int frames) : left_(frames) {}
    void generate(std::span<const float> z, std::span<const float> y, int batch,
                  std::span<std::uint8_t> rgb) override {
        while (left_ <= 0)
            ::pause();
        StandInGenerator::generate(z, y, batch, rgb);
        left_ -= batch;
    }

  private:
    int left_;
};

// Runs a render in a child process that hangs after `frames` frames; kills it with SIGKILL from
// outside once `pieces` pieces are finished (their proofs written): the child's piece_finished
// hook says so through a pipe.
inline void render_killed_after(const bgv::render::RenderOptions& o, int frames, int pieces) {
    int finished[2];
    ASSERT_EQ(::pipe(finished), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(finished[0]);
        bgv::render::RenderHooks hooks;
        int count = 0;
        hooks.piece_finished = [&](std::int64_t) {
            const char byte = 1;
            if (++count == pieces && ::write(finished[1], &byte, 1) != 1)
                ::_exit(4);
        };
        try {
            bgv::render::render(
                o,
                [frames](const fs::path&, double, int) {
                    return std::make_unique<HangingGenerator>(frames);
                },
                hooks);
        } catch (...) {
        }
        ::_exit(3);  // only reached when the render did not hang
    }
    ::close(finished[1]);
    char byte = 0;
    const bool told = ::read(finished[0], &byte, 1) == 1;  // nothing: the child ended first
    ::close(finished[0]);
    ::kill(child, SIGKILL);
    const int code = wait_exit_code(child);
    ASSERT_TRUE(told) << "the render ended before " << pieces << " pieces were finished";
    ASSERT_EQ(code, 128 + SIGKILL);
}

// Runs `body` in a child process, its stderr into `log`; the pid. The child exits 0 when `body`
// returns and 1 on an error, whose message it writes as main does.
template <typename Body>
pid_t start_child(const fs::path& log, Body body) {
    const pid_t child = ::fork();
    if (child == 0) {
        const int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(err, 2);
        int code = 0;
        try {
            body();
        } catch (const std::exception& error) {
            std::fprintf(stderr, "bigganviz: error: %s\n", bgv::describe(error).c_str());
            code = 1;
        }
        std::fflush(stderr);
        ::_exit(code);
    }
    return child;
}

}  // namespace bgv::test
