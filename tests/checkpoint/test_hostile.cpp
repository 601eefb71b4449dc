// Hostile and damaged files: refused with one clear error, never a crash, never code run.
#include <gtest/gtest.h>

#include <cstring>

#include "checkpoint/checkpoint.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/unpickler.h"
#include "core/error.h"
#include "fixtures.h"

namespace bgv::checkpoint {
namespace {

using test::data_dir;
using test::fixture_bytes;

// What the hostile fixtures' os.system call would create (tools/make_checkpoint_fixtures.py).
const std::filesystem::path payload_file = "/tmp/bgv_checkpoint_payload_ran";

std::string load_error(const std::filesystem::path& path) {
    try {
        load_state_dict(path);
    } catch (const Error& error) {
        return describe(error);
    }
    return "";
}

std::string parse_error(std::span<const std::byte> bytes) {
    try {
        parse_state_dict(bytes);
    } catch (const Error& error) {
        return describe(error);
    }
    return "";
}

TEST(Hostile, OsSystemPickleIsRefusedWithoutRunning) {
    std::filesystem::remove(payload_file);
    const auto pickle = fixture_bytes("os_system.pkl");
    try {
        unpickle(pickle);
        FAIL() << "unpickled os.system";
    } catch (const Error& error) {
        EXPECT_NE(describe(error).find("global 'os.system' is not allowed"), std::string::npos)
            << describe(error);
    }
    for (const char* file : {"os_system_legacy.bin", "os_system_zip.pt"}) {
        const std::string message = load_error(data_dir() / file);
        EXPECT_NE(message.find("os.system"), std::string::npos) << message;
        EXPECT_NE(message.find(file), std::string::npos) << message;
    }
    EXPECT_FALSE(std::filesystem::exists(payload_file));
}

TEST(Hostile, UnknownOpcodeIsNamed) {
    const std::string message = load_error(data_dir() / "unknown_opcode_legacy.bin");
    EXPECT_NE(message.find("unknown opcode 0xff"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown_opcode_legacy.bin"), std::string::npos) << message;
}

// Every prefix of every fixture, from 0 bytes to one short of the whole, is a clean bgv::Error.
TEST(Hostile, EveryTruncationIsACleanError) {
    for (const char* file :
         {"small_legacy.bin", "small_zip.pt", "small_zip64.pt", "small.safetensors"}) {
        const auto bytes = fixture_bytes(file);
        for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
            const std::span<const std::byte> prefix(bytes.data(), cut);
            ASSERT_NE(parse_error(prefix), "") << file << " cut at " << cut;
        }
    }
}

TEST(Hostile, TruncatedFileErrorNamesFileAndTensor) {
    const auto dir = test::scratch_dir("truncated");
    for (const char* file : {"small_legacy.bin", "small.safetensors"}) {
        const auto bytes = fixture_bytes(file);
        const auto path = dir / file;
        AtomicFile out(path);
        out.write(std::span(bytes).first(bytes.size() - 3));
        out.commit();
        const std::string message = load_error(path);
        EXPECT_NE(message.find(path.string()), std::string::npos) << message;
        EXPECT_NE(message.find("truncated"), std::string::npos) << message;
        EXPECT_NE(message.find("tensor '"), std::string::npos) << message;
    }
}

// Every single-byte corruption of the small files either still loads or fails cleanly.
TEST(Hostile, CorruptedBytesNeverCrash) {
    for (const char* file : {"small_legacy.bin", "small_zip.pt", "small.safetensors"}) {
        auto bytes = fixture_bytes(file);
        for (std::size_t i = 0; i < bytes.size(); ++i) {
            for (std::byte flip : {std::byte{0x01}, std::byte{0x80}, std::byte{0xff}}) {
                bytes[i] ^= flip;
                try {
                    parse_state_dict(bytes);
                } catch (const Error&) {
                }
                bytes[i] ^= flip;
            }
        }
    }
}

std::vector<std::byte> safetensors_with_header(const std::string& header, std::size_t data_bytes) {
    std::vector<std::byte> bytes(8 + header.size() + data_bytes, std::byte{0});
    const std::uint64_t length = header.size();
    std::memcpy(bytes.data(), &length, 8);
    std::memcpy(bytes.data() + 8, header.data(), header.size());
    return bytes;
}

std::string safetensors_error(const std::vector<std::byte>& bytes) {
    try {
        parse_safetensors(bytes);
    } catch (const Error& error) {
        return describe(error);
    }
    return "";
}

TEST(Hostile, CorruptSafetensorsHeadersAreRefused) {
    const std::string good = R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
    EXPECT_EQ(safetensors_error(safetensors_with_header(good, 16)), "");
    EXPECT_EQ(parse_safetensors(safetensors_with_header(good, 16)).at("w").shape,
              (std::vector<std::int64_t>{2, 2}));

    struct Case {
        std::string header;
        std::size_t data;
        std::string expected;
    };
    const Case cases[] = {
        {R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]})", 16, "not valid JSON"},
        {R"([1,2,3])", 0, "not a JSON object"},
        {R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})", 12, "truncated"},
        {R"({"w":{"dtype":"F32","shape":[2,-2],"data_offsets":[0,16]}})", 16, "non-negative"},
        {R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}})", 16, "need 16"},
        {R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,0]}})", 16, "reversed"},
        {R"({"w":{"dtype":"Q9","shape":[2,2],"data_offsets":[0,16]}})", 16, "dtype 'Q9'"},
        {R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,16]}})",
         16, "overflow"},
        {R"({"w":{"dtype":"F32","shape":[2,2]}})", 16, "lacks"},
        {R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,1.5e30]}})", 16,
         "non-negative integer"},
    };
    for (const Case& c : cases) {
        const std::string message = safetensors_error(safetensors_with_header(c.header, c.data));
        EXPECT_NE(message.find(c.expected), std::string::npos) << c.header << " → " << message;
    }

    // A header length that is absurd or longer than the file.
    auto bytes = fixture_bytes("small.safetensors");
    const std::uint64_t huge = std::uint64_t{1} << 62;
    std::memcpy(bytes.data(), &huge, 8);
    EXPECT_NE(safetensors_error(bytes).find("not sane"), std::string::npos);
    const std::uint64_t too_long = bytes.size();
    std::memcpy(bytes.data(), &too_long, 8);
    EXPECT_NE(safetensors_error(bytes).find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace bgv::checkpoint
