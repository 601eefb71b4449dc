# Compiler warnings and sanitizers, applied to every bigganviz target through bgv_module().
add_library(bgv_build_flags INTERFACE)
target_compile_options(bgv_build_flags INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                                                 -Wnon-virtual-dtor -Wimplicit-fallthrough
                                                 # designated initialisers rely on defaults
                                                 -Wno-missing-field-initializers)
if(BGV_WERROR)
    target_compile_options(bgv_build_flags INTERFACE -Werror)
endif()
# gcc 12 at -O3 reports impossible overlaps (offsets near 2^63) inside libstdc++'s string
# concatenation, char_traits::copy, where nothing overlaps (gcc bugs 105329, 105651); seen in
# tests/core/test_error.cpp. Fixed in gcc 13.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(bgv_build_flags INTERFACE -Wno-restrict)
endif()
if(BGV_SANITIZE)
    # -O1 (after the build type's -O3 on the command line, so it wins): what the sanitizers'
    # authors advise, and the sanitizer build compiles in about half the time.
    target_compile_options(bgv_build_flags INTERFACE -O1 -fsanitize=address,undefined
                                                     -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(bgv_build_flags INTERFACE -fsanitize=address,undefined)
    # gcc 12's flow analysis sees the sanitizers' instrumentation, not the code: with -O3 it
    # reports std::function inside libstdc++'s <regex> as maybe uninitialised (a false positive
    # that stops the -Werror build in CI). The plain build keeps the warning.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(bgv_build_flags INTERFACE -Wno-maybe-uninitialized)
    endif()
endif()

# bgv_sanitized_executable(TARGET): in the sanitizer build, the executable carries the leak
# suppressions for system libraries (cmake/lsan_suppressions.cpp).
function(bgv_sanitized_executable target)
    if(BGV_SANITIZE)
        target_sources(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/lsan_suppressions.cpp)
    endif()
endfunction()

# bgv_module(NAME SOURCES ... USES ...): a static library for src/<module>, its public include root
# is src/ so that headers are included as "module/header.h".
function(bgv_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;USES" ${ARGN})
    add_library(bgv_${name} STATIC ${ARG_SOURCES})
    target_include_directories(bgv_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(bgv_${name} PUBLIC ${ARG_USES} PRIVATE bgv_build_flags)
endfunction()

# bgv_test(NAME SOURCES ... USES ...): a GoogleTest executable registered with CTest. Tests find
# their committed reference data through BGV_TEST_DATA (tests/) and BGV_SOURCE_DIR.
# SERIAL: its tests run alone (CTest RUN_SERIAL), for renders that compare videos byte for byte:
# under heavy CPU contention they have been seen to differ (docs/conventions.md, "Flaky under load").
function(bgv_test name)
    cmake_parse_arguments(ARG "SERIAL" "" "SOURCES;USES" ${ARGN})
    add_executable(test_${name} ${ARG_SOURCES})
    bgv_sanitized_executable(test_${name})
    target_link_libraries(test_${name} PRIVATE ${ARG_USES} GTest::gtest_main bgv_build_flags)
    target_include_directories(test_${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)  # support/
    target_compile_definitions(test_${name} PRIVATE BGV_TEST_DATA="${PROJECT_SOURCE_DIR}/tests"
                                                    BGV_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                    BGV_BINARY_DIR="${PROJECT_BINARY_DIR}")
    # Each test carries one label, its executable's name (`ctest -L biggan_fullsize`):
    # gtest_discover_tests in CMake 3.25 cannot pass a list of labels.
    set(serial FALSE)
    if(ARG_SERIAL)
        set(serial TRUE)
    endif()
    gtest_discover_tests(test_${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS ${name} RUN_SERIAL
                                                                         ${serial})
endfunction()

# bgv_bench(NAME SOURCES ... USES ...): a benchmark executable bench_<name> (not a test).
function(bgv_bench name)
    cmake_parse_arguments(ARG "" "" "SOURCES;USES" ${ARGN})
    add_executable(bench_${name} ${ARG_SOURCES})
    bgv_sanitized_executable(bench_${name})
    target_link_libraries(bench_${name} PRIVATE ${ARG_USES} bgv_build_flags)
    target_compile_definitions(bench_${name} PRIVATE BGV_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
                                                     BGV_BINARY_DIR="${PROJECT_BINARY_DIR}")
endfunction()
