# podml_generate_datamodel() and podml_add_datamodel_library(): generate C++ from a
# podio YAML data model at build time and compile it into a library.
#
#   podml_add_datamodel_library(<target>
#     NAME <model-name>                 # package name, e.g. edm4hep
#     YAML <file.yaml>
#     [OUTDIR <dir>]                    # default: ${CMAKE_CURRENT_BINARY_DIR}/<model-name>
#     [UPSTREAM <name>:<file.yaml> ...] # extension models (podio's --upstream-edm)
#     [UPSTREAM_TARGETS <target> ...]   # libraries of those upstream models
#     [EXTRA_CODE_PATH <dir> ...]       # where ExtraCode declarationFile/implementationFile live
#     [INCLUDE_DIRECTORIES <dir> ...]   # headers the ExtraCode includes
#     [INSTALL <export-set> [EXPORT_NAME <name>]])  # install the library and its headers
#
# The generator writes a fixed set of sources (src/podml_shard_<i>.cc), so the
# library's sources are known before generation, and rewrites only changed files.

if(NOT DEFINED PODML_GENERATOR_TARGET)
  set(PODML_GENERATOR_TARGET podml::podml)
endif()
set(PODML_SOURCE_SHARDS 4)

function(podml_generate_datamodel NAME YAML OUTDIR)
  cmake_parse_arguments(ARG "" "" "UPSTREAM;EXTRA_CODE_PATH;DEPENDS" ${ARGN})
  get_filename_component(YAML "${YAML}" ABSOLUTE)
  set(args generate "${YAML}" "${OUTDIR}" --name ${NAME} --quiet)
  set(deps "${YAML}" ${ARG_DEPENDS})
  foreach(up IN LISTS ARG_UPSTREAM)
    list(APPEND args --upstream-edm "${up}")
    string(REGEX REPLACE "^[^:]*:" "" upfile "${up}")
    list(APPEND deps "${upfile}")
  endforeach()
  foreach(dir IN LISTS ARG_EXTRA_CODE_PATH)
    list(APPEND args --extra-code-path "${dir}")
  endforeach()
  set(sources)
  math(EXPR last "${PODML_SOURCE_SHARDS} - 1")
  foreach(i RANGE ${last})
    list(APPEND sources "${OUTDIR}/src/podml_shard_${i}.cc")
  endforeach()
  set(stamp "${OUTDIR}/podml-generate.stamp")
  # Regenerate when the generator changes: file-level for an installed podml,
  # plus target-level (build it first) for an in-tree one.
  set(gen_deps "$<TARGET_FILE:${PODML_GENERATOR_TARGET}>")
  get_target_property(gen_imported ${PODML_GENERATOR_TARGET} IMPORTED)
  if(NOT gen_imported)
    list(APPEND gen_deps ${PODML_GENERATOR_TARGET})
  endif()
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS ${sources}
    COMMAND ${PODML_GENERATOR_TARGET} ${args}
    COMMAND ${CMAKE_COMMAND} -E touch "${stamp}"
    DEPENDS ${deps} ${gen_deps}
    COMMENT "podml: generating data model ${NAME} from ${YAML}"
    VERBATIM)
  set(${NAME}_GENERATED_SOURCES ${sources} PARENT_SCOPE)
  set(${NAME}_GENERATED_STAMP "${stamp}" PARENT_SCOPE)
  set(${NAME}_GENERATED_INCLUDE_DIR "${OUTDIR}/include" PARENT_SCOPE)
endfunction()

function(podml_add_datamodel_library TARGET)
  cmake_parse_arguments(ARG "" "NAME;YAML;OUTDIR;INSTALL;EXPORT_NAME"
                        "UPSTREAM;UPSTREAM_TARGETS;EXTRA_CODE_PATH;INCLUDE_DIRECTORIES" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_YAML)
    message(FATAL_ERROR "podml_add_datamodel_library(${TARGET}): NAME and YAML are required")
  endif()
  if(NOT ARG_OUTDIR)
    set(ARG_OUTDIR "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}")
  endif()
  podml_generate_datamodel(${ARG_NAME} "${ARG_YAML}" "${ARG_OUTDIR}"
    UPSTREAM ${ARG_UPSTREAM} EXTRA_CODE_PATH ${ARG_EXTRA_CODE_PATH})
  add_library(${TARGET} ${${ARG_NAME}_GENERATED_SOURCES} "${${ARG_NAME}_GENERATED_STAMP}")
  set(build_includes "${ARG_OUTDIR}/include" "${ARG_OUTDIR}/include/${ARG_NAME}" ${ARG_INCLUDE_DIRECTORIES})
  foreach(dir IN LISTS build_includes)
    target_include_directories(${TARGET} PUBLIC "$<BUILD_INTERFACE:${dir}>")
  endforeach()
  target_link_libraries(${TARGET} PUBLIC podml::core ${ARG_UPSTREAM_TARGETS})
  # Generated code follows the YAML's style; don't drown users in warnings about it.
  target_compile_options(${TARGET} PRIVATE -Wno-unused-parameter)
  if(ARG_INSTALL)
    include(GNUInstallDirs)
    target_include_directories(${TARGET} PUBLIC "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>"
                                                "$<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/${ARG_NAME}>")
    if(ARG_EXPORT_NAME)
      set_target_properties(${TARGET} PROPERTIES EXPORT_NAME ${ARG_EXPORT_NAME})
    endif()
    install(TARGETS ${TARGET} EXPORT ${ARG_INSTALL})
    install(DIRECTORY "${ARG_OUTDIR}/include/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endfunction()
