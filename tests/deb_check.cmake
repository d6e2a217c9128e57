# The Debian package: `cpack -G DEB` makes coupongen_VERSION_ARCH.deb with the binary, the man pages,
# the templates and the completion under /usr, Depends from dpkg-shlibdeps; unpacked anywhere, its
# binary finds the package's templates (init), and man finds its pages in the package's layout.
# cmake -DBUILD_DIR=... -DWORK=... -DSOURCE_DIR=... -DVERSION=... -DCPACK=... -P deb_check.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
macro(fail msg)
  file(REMOVE_RECURSE ${WORK})
  message(FATAL_ERROR "${msg}")
endmacro()
macro(run out)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE ${out} ERROR_VARIABLE err TIMEOUT 300)
  if(NOT rc EQUAL 0)
    fail("${ARGN} failed (${rc}):\n${${out}}${err}")
  endif()
endmacro()

foreach(tool dpkg-deb dpkg-shlibdeps file)
  find_program(found_${tool} ${tool})
  if(NOT found_${tool})
    fail("${tool} is missing: install dpkg-dev and file (Debian; scripts/bootstrap.sh does) to build the package")
  endif()
endforeach()

run(arch dpkg --print-architecture)
string(STRIP "${arch}" arch)
run(out ${CPACK} -G DEB --config ${BUILD_DIR}/CPackConfig.cmake -B ${WORK})
set(deb ${WORK}/coupongen_${VERSION}_${arch}.deb)
if(NOT EXISTS ${deb})
  file(GLOB made ${WORK}/*.deb)
  fail("cpack did not make ${deb} (made: ${made}):\n${out}")
endif()

# Contents: everything `cmake --install` installs, under /usr, nothing under /usr/local.
run(listing dpkg-deb -c ${deb})
set(expected
    ./usr/bin/coupongen
    ./usr/share/man/man1/coupongen.1
    ./usr/share/man/man5/coupongen-spec.5
    ./usr/share/bash-completion/completions/coupongen)
file(GLOB templates RELATIVE ${SOURCE_DIR}/templates ${SOURCE_DIR}/templates/*)
foreach(t IN LISTS templates)
  list(APPEND expected ./usr/share/coupongen/templates/${t})
endforeach()
set(missing "")
foreach(f IN LISTS expected)
  string(REPLACE "." "\\." re "${f}")
  if(NOT listing MATCHES " ${re}\n")
    string(APPEND missing "  ${f}\n")
  endif()
endforeach()
if(missing)
  fail("the package lacks:\n${missing}dpkg-deb -c:\n${listing}")
endif()
if(listing MATCHES "/usr/local")
  fail("the package installs under /usr/local:\n${listing}")
endif()
if(NOT listing MATCHES "-rwxr-xr-x root/root [^\n]* \\./usr/bin/coupongen\n")
  fail("/usr/bin/coupongen is not an executable owned by root:\n${listing}")
endif()

# Control fields: name, version, architecture, and Depends from shlibdeps naming the libraries
# the binary links (with versions).
foreach(field Package Version Architecture Depends)
  run(value dpkg-deb -f ${deb} ${field})
  string(STRIP "${value}" ${field})
endforeach()
if(NOT Package STREQUAL "coupongen" OR NOT Version STREQUAL "${VERSION}" OR NOT Architecture STREQUAL "${arch}")
  fail("control: Package '${Package}', Version '${Version}', Architecture '${Architecture}'")
endif()
foreach(lib "libc6 \\(>= " "libstdc\\+\\+6 \\(>= " "libssl3 \\(>= " "libyaml-cpp0\\.7 \\(>= " "libsqlite3-0 \\(>= "
        "libboost-program-options1\\.[0-9]+\\.0 \\(>= " "zlib1g \\(>= " "libpq5 \\(>= ")
  if(NOT Depends MATCHES "(^|, )${lib}")
    fail("Depends lacks ${lib}: ${Depends}")
  endif()
endforeach()

# Unpacked anywhere, the binary uses the package's templates (a marker template proves they are
# the ones beside it, not the source tree's or the configured prefix's), and `init` writes a spec
# that validates.
set(root ${WORK}/root)
run(out dpkg-deb -x ${deb} ${root})
file(WRITE ${root}/usr/share/coupongen/templates/zz-package-marker.yaml "# Marker: the package's templates.\nversion: 1\n")
set(bin ${root}/usr/bin/coupongen)
run(list ${CMAKE_COMMAND} -E env --unset=COUPONGEN_TEMPLATES ${bin} init --list)
if(NOT list MATCHES "zz-package-marker +Marker: the package's templates\\.")
  fail("the unpacked package's coupongen does not list its own templates:\n${list}")
endif()
file(REMOVE ${root}/usr/share/coupongen/templates/zz-package-marker.yaml)
run(out ${CMAKE_COMMAND} -E env --unset=COUPONGEN_TEMPLATES ${bin} init ${WORK}/campaign.yaml)
run(out ${bin} validate ${WORK}/campaign.yaml)
run(out ${bin} --version)

# man finds the pages where the package puts them.
find_program(man man)
if(man)
  run(where ${man} -M ${root}/usr/share/man -w coupongen-spec)
  string(STRIP "${where}" where)
  if(NOT where STREQUAL "${root}/usr/share/man/man5/coupongen-spec.5")
    fail("man -w coupongen-spec found '${where}'")
  endif()
endif()

file(REMOVE_RECURSE ${WORK})
message(STATUS "${deb}: ${Depends}")
