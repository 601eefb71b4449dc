// Issue 18, item 6: nothing in a request becomes a command-line word (the studio types its JSON
// options by render/'s option table), and a value of the wrong type is a 400 that says so.
#include <gtest/gtest.h>

#include "core/file.h"
#include "studio_process.h"
#include "support/process.h"

using namespace bgv::test;
using nlohmann::json;

namespace {
void expect_400(const httplib::Result& result, const std::string& what,
                const std::string& says = "") {
    ASSERT_TRUE(result) << what;
    EXPECT_EQ(result->status, 400) << what << ": " << result->body;
    if (!says.empty()) {
        EXPECT_NE(result->body.find(says), std::string::npos) << what << ": " << result->body;
    }
}
}  // namespace

TEST(StudioTypedOptions, NoRequestValueBecomesACommandLineWord) {
    const fs::path dir = fresh_temp_dir("studio_typed");
    StudioProcess studio(dir);
    auto client = studio.client();
    const std::string song =
        json_of(upload(client,
                       bgv::read_file_text(fs::path(BGV_TEST_DATA) / "render/data/short_0p3s.wav"),
                       "short.wav"))
            .at("id");
    const auto render = [&](const json& options) {
        return post_json(client, "/api/renders", {{"song", song}, {"options", options}});
    };
    expect_400(render({{"classes", {1, "--output_file", "elsewhere.mp4"}}}), "flag in a list");
    expect_400(render({{"classes", {1, "--shard", "1/2"}}}), "--shard in a list");
    expect_400(render({{"classes", {1, "--help"}}}), "--help in a list");
    expect_400(render({{"classes", {1, "--quiet"}}}), "--quiet in a list");
    expect_400(render({{"classes", {"207"}}}), "a class as text");
    expect_400(render({{"num_classes", 1e300}}), "num_classes 1e300", "1e+300");
    expect_400(render({{"num_classes", 2.9}}), "num_classes 2.9", "2.9");
    expect_400(render({{"resolution", "128 --output_file x.mp4"}}), "words in a value");
    EXPECT_FALSE(fs::exists(dir / "elsewhere.mp4"));
    EXPECT_EQ(json_of(client.Get("/api/renders")).size(), 0u);
}
