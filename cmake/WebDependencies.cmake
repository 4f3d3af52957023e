# The web build's SDL2, Dear ImGui and zlib: Debian's source packages (scripts/fetch-web-sources.sh), compiled by
# cmake/web-deps with this Emscripten once, into a cache outside the build tree, keyed by the library versions,
# the compiler and the recipe. Later configures, in this or any build folder, reuse it.
if(DEFINED ENV{LATENT_CACHE_DIR} AND NOT "$ENV{LATENT_CACHE_DIR}" STREQUAL "")
  set(LATENT_CACHE_DIR "$ENV{LATENT_CACHE_DIR}")
elseif(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(LATENT_CACHE_DIR "$ENV{XDG_CACHE_HOME}/latent-canvas")
else()
  set(LATENT_CACHE_DIR "$ENV{HOME}/.cache/latent-canvas")
endif()

execute_process(
  COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/fetch-web-sources.sh"
  OUTPUT_VARIABLE fetched ERROR_VARIABLE fetch_log RESULT_VARIABLE fetch_rc
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT fetch_rc EQUAL 0)
  message(FATAL_ERROR "Could not fetch the ImGui and SDL2 sources:\n${fetch_log}")
endif()
string(REPLACE "\n" ";" fetched "${fetched}")
list(GET fetched 0 LATENT_IMGUI_DIR)
list(GET fetched 1 LATENT_SDL_DIR)
list(GET fetched 2 LATENT_ZLIB_DIR)

file(SHA256 "${PROJECT_SOURCE_DIR}/cmake/web-deps/CMakeLists.txt" recipe_hash)
string(SUBSTRING "${recipe_hash}" 0 10 recipe_hash)
set(emscripten_version "${EMSCRIPTEN_VERSION}")
if(NOT emscripten_version)
  set(emscripten_version "${CMAKE_CXX_COMPILER_VERSION}")
endif()
if(LATENT_WEB_THREADS)
  set(variant mt)
else()
  set(variant st)
endif()
set(prefix "${LATENT_CACHE_DIR}/web-deps/sdl2-2.26.5_imgui-1.86_zlib-1.2.13_emscripten-${emscripten_version}_${recipe_hash}_${variant}")

file(MAKE_DIRECTORY "${LATENT_CACHE_DIR}/web-deps")
file(LOCK "${LATENT_CACHE_DIR}/web-deps/.lock" GUARD FILE TIMEOUT 1800)
if(NOT EXISTS "${prefix}/.complete")
  message(STATUS "Compiling SDL2 2.26.5 and Dear ImGui 1.86 for the web (${variant}) into ${prefix} (once; under a minute)")
  file(REMOVE_RECURSE "${prefix}" "${prefix}.build")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${PROJECT_SOURCE_DIR}/cmake/web-deps" -B "${prefix}.build" -G "${CMAKE_GENERATOR}"
            "-DCMAKE_TOOLCHAIN_FILE=${CMAKE_TOOLCHAIN_FILE}" -DCMAKE_BUILD_TYPE=Release
            "-DCMAKE_INSTALL_PREFIX=${prefix}" "-DLATENT_SDL_DIR=${LATENT_SDL_DIR}" "-DLATENT_IMGUI_DIR=${LATENT_IMGUI_DIR}" "-DLATENT_ZLIB_DIR=${LATENT_ZLIB_DIR}"
            "-DLATENT_WEB_THREADS=${LATENT_WEB_THREADS}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  if(rc EQUAL 0)
    execute_process(COMMAND "${CMAKE_COMMAND}" --build "${prefix}.build" --target install
                    RESULT_VARIABLE rc OUTPUT_VARIABLE log ERROR_VARIABLE log)
  endif()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "Building SDL2/ImGui for the web failed:\n${log}")
  endif()
  file(TOUCH "${prefix}/.complete")
  file(REMOVE_RECURSE "${prefix}.build")
endif()
# Earlier recipes' and compilers' builds are never used again: remove them (both variants of this one stay).
file(GLOB cached LIST_DIRECTORIES true "${LATENT_CACHE_DIR}/web-deps/sdl2-*")
foreach(dir ${cached})
  get_filename_component(name "${dir}" NAME)
  if(IS_DIRECTORY "${dir}" AND NOT name MATCHES "_emscripten-${emscripten_version}_${recipe_hash}_(mt|st)(\\.build)?$")
    message(STATUS "Removing an outdated build of the web libraries: ${dir}")
    file(REMOVE_RECURSE "${dir}")
  endif()
endforeach()
file(LOCK "${LATENT_CACHE_DIR}/web-deps/.lock" RELEASE)

add_library(latent_web_sdl2 STATIC IMPORTED)
set_target_properties(latent_web_sdl2 PROPERTIES
  IMPORTED_LOCATION "${prefix}/lib/libSDL2.a"
  INTERFACE_INCLUDE_DIRECTORIES "${prefix}/include/SDL2")
add_library(latent_web_imgui STATIC IMPORTED)
set_target_properties(latent_web_imgui PROPERTIES
  IMPORTED_LOCATION "${prefix}/lib/libimgui.a"
  INTERFACE_INCLUDE_DIRECTORIES "${prefix}/include/imgui"
  INTERFACE_LINK_LIBRARIES latent_web_sdl2)
add_library(latent_web_zlib STATIC IMPORTED)
set_target_properties(latent_web_zlib PROPERTIES
  IMPORTED_LOCATION "${prefix}/lib/libz.a"
  INTERFACE_INCLUDE_DIRECTORIES "${prefix}/include/zlib")
set(LATENT_THIRD_PARTY_LICENSES "${prefix}/share/licenses")
