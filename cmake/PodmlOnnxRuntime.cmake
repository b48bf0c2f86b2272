# Provides the imported target podml::onnxruntime (ONNX Runtime's C/C++ API and
# shared library), from, in this order:
#   1. -DONNXRUNTIME_ROOT=<dir> (include/ or include/onnxruntime/, lib/)
#   2. find_package(onnxruntime CONFIG) (a user or distribution install)
#   3. NuGet's official Microsoft.ML.OnnxRuntime package, restored with the `dotnet`
#      client into the build tree (the only download podml makes, through a package client).

set(PODML_ORT_VERSION "1.31.1" CACHE STRING "Microsoft.ML.OnnxRuntime version restored from NuGet")
set(ONNXRUNTIME_ROOT "" CACHE PATH "An ONNX Runtime install to use instead of NuGet")

# The library (with its SONAME link) is installed beside podml's own, so that an
# installed podml runs without the build tree; podmlConfig.cmake points at that copy.
function(_podml_ort_imported include_dir library)
  add_library(podml_onnxruntime SHARED IMPORTED GLOBAL)
  set_target_properties(podml_onnxruntime PROPERTIES
    IMPORTED_LOCATION "${library}"
    INTERFACE_INCLUDE_DIRECTORIES "${include_dir}")
  add_library(podml::onnxruntime ALIAS podml_onnxruntime)
  message(STATUS "podml: ONNX Runtime from ${library}")
  get_filename_component(_dir "${library}" DIRECTORY)
  file(GLOB _libs "${_dir}/libonnxruntime.so*")
  install(FILES ${_libs} DESTINATION ${CMAKE_INSTALL_LIBDIR})
  set(PODML_ORT_INSTALLED ON CACHE INTERNAL "podml installs its ONNX Runtime copy")
endfunction()
set(PODML_ORT_INSTALLED OFF CACHE INTERNAL "podml installs its ONNX Runtime copy")

if(ONNXRUNTIME_ROOT)
  find_path(_ort_inc onnxruntime_cxx_api.h PATHS "${ONNXRUNTIME_ROOT}/include" "${ONNXRUNTIME_ROOT}/include/onnxruntime"
            NO_DEFAULT_PATH REQUIRED)
  find_library(_ort_lib onnxruntime PATHS "${ONNXRUNTIME_ROOT}/lib" "${ONNXRUNTIME_ROOT}/lib64" NO_DEFAULT_PATH REQUIRED)
  _podml_ort_imported("${_ort_inc}" "${_ort_lib}")
  return()
endif()

find_package(onnxruntime CONFIG QUIET)
if(TARGET onnxruntime::onnxruntime)
  add_library(podml::onnxruntime ALIAS onnxruntime::onnxruntime)
  message(STATUS "podml: ONNX Runtime from find_package(onnxruntime)")
  return()
endif()

set(_ort_restore "${CMAKE_BINARY_DIR}/_deps/onnxruntime-restore")
set(_ort_pkgs "${CMAKE_BINARY_DIR}/_deps/nuget")
string(TOLOWER "${PODML_ORT_VERSION}" _ort_ver)
set(_ort_dir "${_ort_pkgs}/microsoft.ml.onnxruntime/${_ort_ver}")
if(NOT EXISTS "${_ort_dir}/runtimes/linux-x64/native/libonnxruntime.so")
  find_program(PODML_DOTNET dotnet)
  if(NOT PODML_DOTNET)
    message(FATAL_ERROR "podml: ONNX Runtime is needed. Install the dotnet client (it restores Microsoft.ML.OnnxRuntime "
                        "from NuGet), or pass -DONNXRUNTIME_ROOT=<dir> of an ONNX Runtime install.")
  endif()
  file(MAKE_DIRECTORY "${_ort_restore}")
  file(WRITE "${_ort_restore}/ort.csproj"
"<Project Sdk=\"Microsoft.NET.Sdk\">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageReference Include=\"Microsoft.ML.OnnxRuntime\" Version=\"${PODML_ORT_VERSION}\" /></ItemGroup>
</Project>
")
  message(STATUS "podml: restoring Microsoft.ML.OnnxRuntime ${PODML_ORT_VERSION} from NuGet into ${_ort_pkgs}")
  execute_process(
    COMMAND "${PODML_DOTNET}" restore "${_ort_restore}/ort.csproj" --packages "${_ort_pkgs}"
    RESULT_VARIABLE _ort_rc OUTPUT_VARIABLE _ort_out ERROR_VARIABLE _ort_err)
  if(NOT _ort_rc EQUAL 0 OR NOT EXISTS "${_ort_dir}/runtimes/linux-x64/native/libonnxruntime.so")
    message(FATAL_ERROR "podml: `dotnet restore` of Microsoft.ML.OnnxRuntime ${PODML_ORT_VERSION} failed (${_ort_rc}):\n"
                        "${_ort_out}\n${_ort_err}\nPass -DONNXRUNTIME_ROOT=<dir> to use another install.")
  endif()
endif()
# The NuGet package ships libonnxruntime.so whose SONAME is libonnxruntime.so.1:
# provide that name next to it so programs find it through their RPATH.
set(_ort_native "${_ort_dir}/runtimes/linux-x64/native")
if(NOT EXISTS "${_ort_native}/libonnxruntime.so.1")
  file(CREATE_LINK "libonnxruntime.so" "${_ort_native}/libonnxruntime.so.1" SYMBOLIC)
endif()
_podml_ort_imported("${_ort_dir}/build/native/include" "${_ort_native}/libonnxruntime.so")
