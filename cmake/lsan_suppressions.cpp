// Leaks LeakSanitizer must not report in the sanitizer build (BGV_SANITIZE): allocations that a
// system library makes and never frees, which no code of ours can free. Linked into every test,
// benchmark and the bigganviz program of that build only (cmake/warnings.cmake).
//
// x265 3.5 (Debian 12's libx265-199): x265_encoder_open copies the parameters' strings
// (x265_copy_params, x265_param_parse: strdup) and an aligned buffer (x265_malloc) that
// x265_encoder_close does not free: about 1.2 kB per encoder opened, found by the HEVC tests.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libx265.so\n";
}
