# One static library per folder of src/, named coupongen_<folder>, so the build enforces the layers
# that README's source map draws: a folder links only the folders below it (DEPENDS, public: their
# headers are part of its own) and its own third-party libraries (PRIVATE unless a public header of
# the folder includes theirs). Sources are listed, never globbed: a new file is a deliberate edit.
#
#   coupongen_library(io
#     SOURCES atomic_file.cc byte_source.cc ...
#     DEPENDS base coupon
#     PRIVATE ZLIB::ZLIB)

# Warnings on every target of the project (libraries, the binary, tests, fuzzers, benchmarks);
# COUPONGEN_WERROR (CI sets it) makes them errors.
option(COUPONGEN_WERROR "Treat compiler warnings as errors (CI builds with it)" OFF)
function(coupongen_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra $<$<BOOL:${COUPONGEN_WERROR}>:-Werror>)
endfunction()

function(coupongen_library folder)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;PUBLIC;PRIVATE" ${ARGN})
  set(target coupongen_${folder})
  add_library(${target} STATIC ${ARG_SOURCES})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  list(TRANSFORM ARG_DEPENDS PREPEND coupongen_)
  target_link_libraries(${target} PUBLIC ${ARG_DEPENDS} ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  coupongen_warnings(${target})
  set_property(GLOBAL APPEND PROPERTY COUPONGEN_LIBRARIES ${target})
endfunction()
