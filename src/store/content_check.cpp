#include "store/content_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "core/file.h"
#include "core/json.h"

namespace bgv::store {

namespace {

constexpr std::size_t kSniffBytes = 4096;
// A vocabulary is a few hundred kB; a config a few kB. Both are read whole to check them.
constexpr std::uint64_t kMaxTextBytes = std::uint64_t{64} << 20;

std::string first_bytes(const std::filesystem::path& path, std::size_t count) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes(count, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(count));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return bytes;
}

bool looks_like_html(std::string_view head) {
    std::string lower;
    for (const char c : head.substr(0, 512))
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    const auto start = lower.find_first_not_of(" \t\r\n");
    if (start == std::string::npos)
        return false;
    const std::string_view text = std::string_view(lower).substr(start);
    return text.starts_with("<!doctype html") || text.starts_with("<html") ||
           text.starts_with("<head") || text.starts_with("<body") || text.starts_with("<?xml") ||
           text.starts_with("<error");
}

std::string checkpoint_problem(std::string_view head) {
    // torch.save: a zip archive (PyTorch ≥ 1.6) or the legacy format, a pickle of protocol 2+
    // (PROTO opcode 0x80).
    if (head.starts_with("PK\x03\x04") ||
        (head.size() >= 2 && head[0] == '\x80' && head[1] >= '\x02' && head[1] <= '\x05'))
        return "";
    return "not a checkpoint (neither a zip archive nor a pickle)";
}

std::string safetensors_problem(std::string_view head, std::uint64_t size) {
    if (head.size() < 9)
        return "not a safetensors file (shorter than its header)";
    std::uint64_t header_size = 0;
    std::memcpy(&header_size, head.data(), 8);
    if (header_size < 2 || header_size > size - 8 || head[8] != '{')
        return "not a safetensors file (no JSON header after its 8-byte length)";
    return "";
}

std::string json_problem(const std::filesystem::path& path) {
    try {
        parse_json(read_file_text(path, kMaxTextBytes));
        return "";
    } catch (const Error& error) {
        return fmt::format("not a JSON file ({})", error.what());
    }
}

std::string text_problem(const std::filesystem::path& path) {
    const std::string text = read_file_text(path, kMaxTextBytes);
    if (text.find('\0') != std::string::npos)
        return "not a text file (it holds NUL bytes)";
    return "";
}

}  // namespace

std::string content_problem(const std::string& name, const std::filesystem::path& path) {
    std::error_code error;
    const std::uint64_t size = std::filesystem::file_size(path, error);
    if (error)
        return "cannot be read: " + error.message();
    if (size == 0)
        return "empty";
    const std::string head = first_bytes(path, kSniffBytes);
    if (looks_like_html(head))
        return "an HTML or XML page, not the file (a server's error page?)";
    const std::string extension = std::filesystem::path(name).extension().string();
    if (extension == ".bin" || extension == ".pt" || extension == ".pth")
        return checkpoint_problem(head);
    if (extension == ".safetensors")
        return safetensors_problem(head, size);
    if (extension == ".json")
        return json_problem(path);
    if (extension == ".txt")
        return text_problem(path);
    return "";
}

}  // namespace bgv::store
