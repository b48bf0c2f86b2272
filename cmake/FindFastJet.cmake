# FindFastJet: FastJet's core library (jet clustering), as the imported target
# FastJet::FastJet, from, in this order:
#   1. FastJet's own CMake package (FastJet >= 3.5 installs fastjetConfig.cmake)
#   2. pkg-config `fastjet` (some distributions and conda ship fastjet.pc)
#   3. the headers and libfastjet next to `fastjet-config --prefix` (Debian 12's
#      libfastjet-dev has neither of the above), or in the default paths
# Sets FastJet_FOUND, FastJet_VERSION, FastJet_INCLUDE_DIR, FastJet_LIBRARY.
# Only the core library: podml needs no fjcontrib and no libfastjettools.

if(TARGET FastJet::FastJet)
  set(FastJet_FOUND TRUE)
  return()
endif()

find_package(fastjet CONFIG QUIET)
if(TARGET fastjet::fastjet)
  set_target_properties(fastjet::fastjet PROPERTIES IMPORTED_GLOBAL TRUE)
  add_library(FastJet::FastJet ALIAS fastjet::fastjet)
  set(FastJet_VERSION "${fastjet_VERSION}")
  include(FindPackageHandleStandardArgs)
  find_package_handle_standard_args(FastJet REQUIRED_VARS fastjet_DIR VERSION_VAR FastJet_VERSION)
  return()
endif()

set(_fastjet_hints "")
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_FastJet QUIET fastjet)
  if(PC_FastJet_FOUND)
    list(APPEND _fastjet_hints ${PC_FastJet_PREFIX})
    set(FastJet_VERSION "${PC_FastJet_VERSION}")
  endif()
endif()
find_program(FastJet_CONFIG_EXECUTABLE fastjet-config)
if(FastJet_CONFIG_EXECUTABLE)
  execute_process(COMMAND "${FastJet_CONFIG_EXECUTABLE}" --prefix
                  OUTPUT_VARIABLE _fastjet_prefix OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  list(APPEND _fastjet_hints "${_fastjet_prefix}")
endif()

find_path(FastJet_INCLUDE_DIR fastjet/ClusterSequence.hh
          HINTS ${PC_FastJet_INCLUDE_DIRS} ${_fastjet_hints} PATH_SUFFIXES include)
find_library(FastJet_LIBRARY fastjet
             HINTS ${PC_FastJet_LIBRARY_DIRS} ${_fastjet_hints} PATH_SUFFIXES lib/${CMAKE_LIBRARY_ARCHITECTURE} lib lib64)

# The version from the header, which always matches the library next to it.
if(FastJet_INCLUDE_DIR AND EXISTS "${FastJet_INCLUDE_DIR}/fastjet/config_auto.h")
  file(STRINGS "${FastJet_INCLUDE_DIR}/fastjet/config_auto.h" _fastjet_version_line
       REGEX "^#define[ \t]+FASTJET_PACKAGE_VERSION[ \t]+\"[^\"]+\"")
  if(_fastjet_version_line MATCHES "\"([^\"]+)\"")
    set(FastJet_VERSION "${CMAKE_MATCH_1}")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(FastJet REQUIRED_VARS FastJet_LIBRARY FastJet_INCLUDE_DIR
  VERSION_VAR FastJet_VERSION
  REASON_FAILURE_MESSAGE "install libfastjet-dev (scripts/install-deps.sh) or add FastJet's prefix to CMAKE_PREFIX_PATH")
mark_as_advanced(FastJet_INCLUDE_DIR FastJet_LIBRARY FastJet_CONFIG_EXECUTABLE)

if(FastJet_FOUND)
  # GLOBAL: podml_toy is static, so its private dependency is linked by the
  # executables and tests in other directories too.
  add_library(FastJet::FastJet UNKNOWN IMPORTED GLOBAL)
  set_target_properties(FastJet::FastJet PROPERTIES
    IMPORTED_LOCATION "${FastJet_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${FastJet_INCLUDE_DIR}")
endif()
