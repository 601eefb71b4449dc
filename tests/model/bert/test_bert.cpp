#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "checkpoint/checkpoint.h"
#include "core/error.h"
#include "core/file.h"
#include "core/npy.h"
#include "model/bert/sentence_encoder.h"

namespace bgv::bert {
namespace {

const std::filesystem::path kData = std::filesystem::path(BGV_TEST_DATA) / "model/bert/data";
const std::filesystem::path kTinyModel = kData / "tiny_minilm";

runtime::Engine& engine() {
    static runtime::Engine instance(1);  // one thread: tiny ops, no barrier waits on a busy machine
    return instance;
}

std::vector<std::vector<std::int32_t>> reference_sequences() {
    const auto json = nlohmann::json::parse(read_file_text(kData / "tiny_ids.json"));
    return json["sequences"].get<std::vector<std::vector<std::int32_t>>>();
}

std::string construction_error(const checkpoint::StateDict& weights) {
    try {
        SentenceEncoder(engine(), BertConfig::from_file(kTinyModel / "config.json"), weights);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Bert, MatchesTheTorchReferenceOnARandomSmallModel) {
    const SentenceEncoder encoder = SentenceEncoder::load(engine(), kTinyModel);
    const auto sequences = reference_sequences();
    const auto reference = read_npy_f64(kData / "tiny_embeddings.npy");
    const std::vector<float> embeddings = encoder.encode(sequences);
    const auto dim = static_cast<std::size_t>(encoder.dim());
    ASSERT_EQ(reference.shape, (std::vector<std::int64_t>{8, 32}));
    ASSERT_EQ(embeddings.size(), sequences.size() * dim);
    double worst = 0;
    for (std::size_t row = 0; row < sequences.size(); ++row) {
        double error = 0, norm = 0, own_norm = 0;
        for (std::size_t c = 0; c < dim; ++c) {
            const double r = reference.data[row * dim + c];
            const double e = embeddings[row * dim + c];
            error += (e - r) * (e - r);
            norm += r * r;
            own_norm += e * e;
        }
        // float32 through 2 layers of width 32-64 against a float64 reference: the brief's bound.
        EXPECT_LE(std::sqrt(error / norm), 1e-5) << "sequence " << row;
        EXPECT_NEAR(own_norm, 1.0, 1e-5);
        worst = std::max(worst, std::sqrt(error / norm));
    }
    std::printf("largest relative error against the float64 reference: %.2e\n", worst);
}

TEST(Bert, AnEmbeddingDoesNotDependOnItsBatchOrPadding) {
    const SentenceEncoder encoder = SentenceEncoder::load(engine(), kTinyModel);
    const auto sequences = reference_sequences();
    const std::vector<float> together = encoder.encode(sequences);
    const auto dim = static_cast<std::size_t>(encoder.dim());
    for (std::size_t row = 0; row < sequences.size(); ++row) {
        const std::vector<float> alone = encoder.encode({sequences[row]});
        for (std::size_t c = 0; c < dim; ++c) {
            // Only the summation order of the GEMMs may differ between batch shapes.
            EXPECT_NEAR(alone[c], together[row * dim + c], 2e-6) << row << "," << c;
        }
    }
}

TEST(Bert, WeightsAreCheckedStrictlyByNameAndShape) {
    const auto weights = checkpoint::load_state_dict(kTinyModel / "model.safetensors");
    EXPECT_EQ(construction_error(weights), "");

    auto missing = weights;
    missing.erase("encoder.layer.1.output.dense.bias");
    EXPECT_NE(construction_error(missing).find(
                  "missing tensor 'encoder.layer.1.output.dense.bias' (expected [32])"),
              std::string::npos);

    auto reshaped = weights;
    reshaped["encoder.layer.0.attention.self.key.weight"] = {{32, 31}, std::vector<float>(32 * 31)};
    EXPECT_NE(construction_error(reshaped).find(
                  "'encoder.layer.0.attention.self.key.weight': expected [32, 32], got [32, 31]"),
              std::string::npos)
        << construction_error(reshaped);

    auto extra = weights;
    extra["encoder.layer.2.output.dense.bias"] = {{32}, std::vector<float>(32)};
    EXPECT_NE(
        construction_error(extra).find("unexpected tensor 'encoder.layer.2.output.dense.bias'"),
        std::string::npos);
}

TEST(Bert, ConfigAndInputsAreChecked) {
    EXPECT_THROW(BertConfig::from_json(R"({"hidden_act": "relu"})"), Error);
    EXPECT_THROW(BertConfig::from_json(R"({"hidden_size": 30, "num_attention_heads": 4})"), Error);
    EXPECT_THROW(BertConfig::from_json("[1, 2]"), Error);
    // Issue 11, item 10: every config value has bounds, and a bad one is one line.
    try {
        BertConfig::from_json(R"({"hidden_size": 1e9, "num_attention_heads": 4})");
        ADD_FAILURE() << "hidden_size 1e9 was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "hidden_size: expected an integer 1–8192, got 1000000000.0");
    }
    const auto config = BertConfig::from_file(kTinyModel / "config.json");
    EXPECT_EQ(config.hidden, 32);
    EXPECT_EQ(config.heads, 4);
    EXPECT_EQ(config.vocab_size, 3000);
    const SentenceEncoder encoder = SentenceEncoder::load(engine(), kTinyModel);
    EXPECT_THROW(encoder.encode({{101, 3000, 102}}), Error);
    EXPECT_THROW(encoder.encode({{}}), Error);
    EXPECT_THROW(encoder.encode({std::vector<std::int32_t>(65, 101)}), Error);
    EXPECT_TRUE(encoder.encode({}).empty());
}

}  // namespace
}  // namespace bgv::bert
