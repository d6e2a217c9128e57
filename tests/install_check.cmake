# Installs the build into a scratch prefix and checks every installed file is there.
# cmake -DBUILD_DIR=... -DPREFIX=... -DSOURCE_DIR=... -DBINDIR=... -DMANDIR=... -DDATADIR=... -P install_check.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}${err}")
endif()

set(expected
    ${BINDIR}/coupongen
    ${MANDIR}/man1/coupongen.1
    ${MANDIR}/man5/coupongen-spec.5
    ${DATADIR}/bash-completion/completions/coupongen)
file(GLOB templates RELATIVE ${SOURCE_DIR}/templates ${SOURCE_DIR}/templates/*)
foreach(t IN LISTS templates)
  list(APPEND expected ${DATADIR}/coupongen/templates/${t})
endforeach()

set(missing "")
foreach(f IN LISTS expected)
  if(NOT EXISTS ${PREFIX}/${f})
    string(APPEND missing "  ${f}\n")
  endif()
endforeach()
file(REMOVE_RECURSE ${PREFIX})
if(missing)
  message(FATAL_ERROR "cmake --install left out:\n${missing}")
endif()
message(STATUS "installed: ${expected}")
