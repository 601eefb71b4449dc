# Writes OUTPUT, a C++ source holding the files FILES (of folder PAGE_DIR) as PageAssets. Run by
# CMake at build time (cmake -P), so an edit of the page rebuilds the binary and nothing is fetched.
set(entries "")
set(arrays "")
set(index 0)
foreach(name IN LISTS FILES)
    file(READ ${PAGE_DIR}/${name} content HEX)
    string(LENGTH "${content}" hex_length)
    math(EXPR bytes "${hex_length} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," content "${content}")
    if(name MATCHES "\\.html$")
        set(type "text/html; charset=utf-8")
    elseif(name MATCHES "\\.js$")
        set(type "text/javascript; charset=utf-8")
    elseif(name MATCHES "\\.css$")
        set(type "text/css; charset=utf-8")
    else()
        set(type "application/octet-stream")
    endif()
    string(APPEND arrays "const unsigned char file${index}[] = {${content}};\n")
    string(APPEND entries
           "    {\"${name}\", \"${type}\", {reinterpret_cast<const char*>(file${index}), ${bytes}}},\n")
    math(EXPR index "${index} + 1")
endforeach()
file(WRITE ${OUTPUT}.tmp
     "// Generated from src/studio/page/ by embed_page.cmake: do not edit.\n"
     "#include \"studio/page_assets.h\"\n\n#include <array>\n\nnamespace bgv::studio {\nnamespace {\n"
     "${arrays}"
     "const std::array<PageAsset, ${index}> assets = {{\n${entries}}};\n}  // namespace\n\n"
     "const PageAsset* find_page_asset(std::string_view name) {\n"
     "    for (const auto& asset : assets) {\n"
     "        if (asset.name == name)\n            return &asset;\n    }\n    return nullptr;\n}\n\n"
     "}  // namespace bgv::studio\n")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
