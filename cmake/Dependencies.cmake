# Third-party parts, all from Debian: Eigen and nlohmann-json (header-only) in every build, zlib natively.
# The web build's SDL2 and Dear ImGui come from cmake/WebDependencies.cmake.

if(EMSCRIPTEN)
  # find_package cannot see /usr from inside the Emscripten sysroot, and /usr/include itself must never be
  # on emcc's include path (glibc's headers then break the build). So: Eigen's own folder, and a folder that
  # holds nothing but a link to nlohmann/.
  find_path(LATENT_EIGEN_DIR Eigen/Dense PATHS /usr/include/eigen3 NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  find_path(LATENT_NLOHMANN_PARENT nlohmann/json.hpp PATHS /usr/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT LATENT_EIGEN_DIR OR NOT LATENT_NLOHMANN_PARENT)
    message(FATAL_ERROR "Eigen 3.4 and nlohmann-json are needed: apt-get install libeigen3-dev nlohmann-json3-dev")
  endif()
  set(json_shim "${CMAKE_BINARY_DIR}/third_party/json")
  file(MAKE_DIRECTORY "${json_shim}")
  file(CREATE_LINK "${LATENT_NLOHMANN_PARENT}/nlohmann" "${json_shim}/nlohmann" SYMBOLIC)

  add_library(Eigen3::Eigen INTERFACE IMPORTED)
  target_include_directories(Eigen3::Eigen SYSTEM INTERFACE "${LATENT_EIGEN_DIR}")
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE "${json_shim}")
  # Exceptions are off in the web build; the core never relies on them (non-throwing parse, checked access).
  target_compile_definitions(nlohmann_json::nlohmann_json INTERFACE JSON_NOEXCEPTION)

  # Eigen's SSE path includes <mmintrin.h>; Emscripten has no MMX header and clang's x86 one fails to
  # compile. Eigen never uses MMX, so an empty header found first is enough.
  set(LATENT_WASM_COMPAT_DIR "${CMAKE_BINARY_DIR}/third_party/wasm-compat")
  # file(CONFIGURE) writes only when the content changes, so reconfiguring does not rebuild everything.
  file(CONFIGURE OUTPUT "${LATENT_WASM_COMPAT_DIR}/mmintrin.h"
       CONTENT "// Empty stand-in: Emscripten has no MMX header and Eigen needs none (see cmake/Dependencies.cmake).\n")
else()
  find_package(Eigen3 3.4 REQUIRED NO_MODULE)
  find_package(nlohmann_json 3.10 REQUIRED)
  find_package(ZLIB REQUIRED)
endif()
