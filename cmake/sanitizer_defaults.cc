// Linked into the binaries of sanitizer builds (COUPONGEN_SANITIZE, COUPONGEN_FUZZ) only.
// A sanitizer report must never pass for a coupongen outcome: by default ASan, UBSan and LSan
// exit with status 1 (or 23), and 1 is also "runtime failure", so a fault test expecting exit 1
// would pass over a heap overflow. Here every report exits with 86, a code coupongen never uses
// (`exitcode` is one flag the three runtimes share). Leaks are checked at exit.
extern "C" const char* __asan_default_options() { return "exitcode=86:detect_leaks=1"; }
extern "C" const char* __ubsan_default_options() { return "exitcode=86:print_stacktrace=1:halt_on_error=1"; }
extern "C" const char* __lsan_default_options() { return "exitcode=86"; }
