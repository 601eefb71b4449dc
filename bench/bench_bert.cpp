// Encodes the 1000 ImageNet class names with a full-size MiniLM (384 hidden, 6 layers) and reports
// the time, batched by length (what bigganviz does) against one sentence at a time (the reference
// way, as the original tool encoded). Weights: a folder with config.json, vocab.txt and
// model.safetensors; make a random one with
//   /usr/bin/python3 tools/minilm_reference.py make-model --full build/minilm_random
// or pass "random" as MODEL_DIR: random weights made in memory (a machine without the file).
// usage: bench_bert [MODEL_DIR|random] [THREADS] [RUNS] [batched-only]
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <random>

#include <sys/resource.h>

#include "core/error.h"
#include "model/bert/sentence_encoder.h"
#include "text/class_names.h"
#include "text/wordpiece.h"

namespace {
// All-MiniLM-L6-v2's tensors with random values (the timing does not depend on them).
bgv::checkpoint::StateDict random_minilm(const bgv::bert::BertConfig& c) {
    std::mt19937 engine(1);
    std::normal_distribution<float> normal(0.0f, 0.05f);
    bgv::checkpoint::StateDict weights;
    const auto add = [&](const std::string& name, std::vector<std::int64_t> shape) {
        std::int64_t count = 1;
        for (auto d : shape)
            count *= d;
        std::vector<float> values(static_cast<std::size_t>(count));
        for (auto& v : values)
            v = normal(engine);
        weights[name] = {std::move(shape), std::move(values)};
    };
    const std::int64_t h = c.hidden;
    add("embeddings.word_embeddings.weight", {c.vocab_size, h});
    add("embeddings.position_embeddings.weight", {c.max_positions, h});
    add("embeddings.token_type_embeddings.weight", {c.type_vocab_size, h});
    add("embeddings.LayerNorm.weight", {h});
    add("embeddings.LayerNorm.bias", {h});
    for (std::int64_t i = 0; i < c.layers; ++i) {
        const std::string p = fmt::format("encoder.layer.{}.", i);
        for (const char* part : {"attention.self.query", "attention.self.key",
                                 "attention.self.value", "attention.output.dense"}) {
            add(p + part + ".weight", {h, h});
            add(p + part + ".bias", {h});
        }
        for (const char* norm : {"attention.output.LayerNorm", "output.LayerNorm"}) {
            add(p + norm + ".weight", {h});
            add(p + norm + ".bias", {h});
        }
        add(p + "intermediate.dense.weight", {c.intermediate, h});
        add(p + "intermediate.dense.bias", {c.intermediate});
        add(p + "output.dense.weight", {h, c.intermediate});
        add(p + "output.dense.bias", {h});
    }
    return weights;
}

// CPU seconds this process has used: on a shared machine, a figure the other jobs disturb less
// than the wall clock.
double cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}
}  // namespace

int main(int argc, char** argv) {
    try {
        const std::filesystem::path dir =
            argc > 1 ? argv[1] : std::filesystem::path(BGV_BINARY_DIR) / "minilm_random";
        const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
        bgv::runtime::Engine engine(threads);
        auto start = std::chrono::steady_clock::now();
        const bool random = dir == "random";
        const auto tokenizer = bgv::text::WordPieceTokenizer::from_vocab_file(
            random ? std::filesystem::path(BGV_SOURCE_DIR) /
                         "tests/text/data/bert-base-uncased-vocab.txt"
                   : dir / "vocab.txt");
        const auto encoder =
            random ? bgv::bert::SentenceEncoder(engine, bgv::bert::BertConfig{},
                                                random_minilm(bgv::bert::BertConfig{}))
                   : bgv::bert::SentenceEncoder::load(engine, dir);
        fmt::print("load: {:.2f} s ({} threads)\n", seconds_since(start), engine.threads());

        start = std::chrono::steady_clock::now();
        std::vector<std::vector<std::int32_t>> sequences;
        std::size_t tokens = 0, longest = 0;
        for (const auto& name : bgv::text::imagenet_class_names()) {
            sequences.push_back(tokenizer.encode(name));
            tokens += sequences.back().size();
            longest = std::max(longest, sequences.back().size());
        }
        fmt::print("tokenize 1000 names: {:.3f} s ({} tokens, longest {})\n", seconds_since(start),
                   tokens, longest);

        // The first run creates the primitives for each shape; the second shows the steady state.
        std::vector<float> batched;
        const int runs = argc > 3 ? std::atoi(argv[3]) : 2;
        for (int run = 0; run < runs; ++run) {
            start = std::chrono::steady_clock::now();
            const double cpu_start = cpu_seconds();
            batched = encoder.encode(sequences);
            fmt::print("encode 1000 names batched by length, run {}: {:.2f} s ({:.2f} s CPU)\n",
                       run + 1, seconds_since(start), cpu_seconds() - cpu_start);
        }
        const double batched_time = seconds_since(start);
        if (argc > 4)
            return 0;  // batched only (for profiling)

        start = std::chrono::steady_clock::now();
        double largest_difference = 0;
        const auto dim = static_cast<std::size_t>(encoder.dim());
        // One at a time is slow: time the first 100 names and scale to 1000.
        constexpr std::size_t kSingles = 100;
        for (std::size_t i = 0; i < kSingles; ++i) {
            const auto alone = encoder.encode({sequences[i]});
            for (std::size_t c = 0; c < dim; ++c)
                largest_difference =
                    std::max(largest_difference,
                             static_cast<double>(std::abs(alone[c] - batched[i * dim + c])));
        }
        const double single_time =
            seconds_since(start) * static_cast<double>(sequences.size()) / kSingles;
        fmt::print("encode 1000 names one at a time (100 timed, scaled): {:.2f} s\n", single_time);
        fmt::print("batched / one at a time: {:.2f}x faster; largest difference {:.1e}\n",
                   single_time / batched_time, largest_difference);
        return 0;
    } catch (const std::exception& e) {
        fmt::print(stderr, "bench_bert: {}\n", e.what());
        return 1;
    }
}
