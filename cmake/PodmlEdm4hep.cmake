# Which EDM4hep podml generates podml::edm4hep from, in the order Key4hep users have it:
#   1. an installed EDM4hep: find_package(EDM4HEP) (CMAKE_PREFIX_PATH, EDM4HEP_DIR), or the
#      prefix in EDM4HEP_ROOT (CMake variable or environment); its YAML from share/edm4hep/;
#   2. -DPODML_EDM4HEP_YAML=<file>;
#   3. the repository's ../shared/datamodels/edm4hep/edm4hep.yaml.
# podml_find_edm4hep(<podml's support include dir> <the ../shared YAML>) sets PODML_EDM4HEP_YAML (empty if none), PODML_EDM4HEP_EXTRA_CODE_DIR
# (where EDM4hep's ExtraCode files are: the install's include directory if it has them,
# else podml's copy) and PODML_EDM4HEP_FROM, and says at configure time which was taken.

set(PODML_EDM4HEP_YAML "" CACHE FILEPATH "EDM4hep's YAML, when no installed EDM4hep is found")

function(podml_find_edm4hep support_include fallback_yaml)
  set(prefixes)
  find_package(EDM4HEP CONFIG QUIET)
  if(EDM4HEP_DIR AND EXISTS "${EDM4HEP_DIR}")
    get_filename_component(p "${EDM4HEP_DIR}/../../.." ABSOLUTE) # <prefix>/lib/cmake/EDM4HEP
    list(APPEND prefixes "${p}")
  endif()
  if(EDM4HEP_ROOT)
    list(APPEND prefixes "${EDM4HEP_ROOT}")
  endif()
  if(DEFINED ENV{EDM4HEP_ROOT} AND NOT "$ENV{EDM4HEP_ROOT}" STREQUAL "")
    list(APPEND prefixes "$ENV{EDM4HEP_ROOT}")
  endif()
  set(yaml "")
  set(extra "${support_include}")
  foreach(p IN LISTS prefixes)
    foreach(rel share/edm4hep/edm4hep.yaml share/EDM4HEP/edm4hep.yaml edm4hep.yaml)
      if(EXISTS "${p}/${rel}")
        set(yaml "${p}/${rel}")
        set(from "the installed EDM4hep in ${p}")
        if(EXISTS "${p}/include/edm4hep/extra_code/CovMatrixCommon.ipp")
          set(extra "${p}/include")
        endif()
        break()
      endif()
    endforeach()
    if(yaml)
      break()
    endif()
    message(STATUS "podml: an EDM4hep install in ${p} has no edm4hep.yaml (looked in share/edm4hep/); not used")
  endforeach()
  if(NOT yaml AND PODML_EDM4HEP_YAML)
    if(NOT EXISTS "${PODML_EDM4HEP_YAML}")
      message(FATAL_ERROR "podml: PODML_EDM4HEP_YAML names ${PODML_EDM4HEP_YAML}, which does not exist")
    endif()
    set(yaml "${PODML_EDM4HEP_YAML}")
    set(from "-DPODML_EDM4HEP_YAML")
  endif()
  if(NOT yaml AND EXISTS "${fallback_yaml}")
    get_filename_component(yaml "${fallback_yaml}" ABSOLUTE)
    set(from "the repository's ../shared")
  endif()
  if(yaml)
    message(STATUS "podml: EDM4hep from ${from}: ${yaml}")
  else()
    message(WARNING "podml: no EDM4hep found (no installed EDM4hep, no -DPODML_EDM4HEP_YAML, no ../shared); "
                    "EDM4hep targets are skipped")
    set(from "")
  endif()
  set(PODML_EDM4HEP_YAML "${yaml}" PARENT_SCOPE)
  set(PODML_EDM4HEP_EXTRA_CODE_DIR "${extra}" PARENT_SCOPE)
  set(PODML_EDM4HEP_FROM "${from}" PARENT_SCOPE)
endfunction()
