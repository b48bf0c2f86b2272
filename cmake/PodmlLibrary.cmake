# podml_add_library(<part> [INTERNAL] SOURCES ...): one of podml's own libraries,
# podml_<part>, aliased podml::<part>, file libpodml-<part>, with its public
# headers under <part>/include, installed and exported. INTERNAL libraries are
# static and neither installed nor exported: they serve podml's own executables
# and tests, linked into them, and may depend on in-tree targets that are not
# installed, such as the generated EDM4hep library.
function(podml_add_library part)
  cmake_parse_arguments(ARG "INTERNAL" "" "SOURCES" ${ARGN})
  set(target podml_${part})
  if(ARG_INTERNAL)
    add_library(${target} STATIC ${ARG_SOURCES})
  else()
    add_library(${target} ${ARG_SOURCES})
  endif()
  add_library(podml::${part} ALIAS ${target})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME podml-${part} EXPORT_NAME ${part})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_definitions(${target} PRIVATE PODML_VERSION_STRING="${PROJECT_VERSION}")
  if(ARG_INTERNAL)
    return()
  endif()
  install(TARGETS ${target} EXPORT podmlTargets)
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# podml_install_rpath(<target> <install dir relative to the prefix>): the installed
# <target> finds podml's libraries (and its ONNX Runtime copy) in the prefix's libdir,
# wherever the prefix is moved to: $ORIGIN-relative, never the build tree.
function(podml_install_rpath target dir)
  file(RELATIVE_PATH rel "/prefix/${dir}" "/prefix/${CMAKE_INSTALL_LIBDIR}")
  set_target_properties(${target} PROPERTIES INSTALL_RPATH "$ORIGIN/${rel}")
endfunction()
