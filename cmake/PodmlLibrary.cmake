# podml_add_library(<part> SOURCES ...): one of podml's own libraries, podml_<part>,
# aliased podml::<part>, file libpodml-<part>, with its public headers under
# <part>/include, installed and exported.
function(podml_add_library part)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(target podml_${part})
  add_library(${target} ${ARG_SOURCES})
  add_library(podml::${part} ALIAS ${target})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME podml-${part} EXPORT_NAME ${part})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_compile_definitions(${target} PRIVATE PODML_VERSION_STRING="${PROJECT_VERSION}")
  install(TARGETS ${target} EXPORT podmlTargets)
  install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()
