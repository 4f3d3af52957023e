// The OpenGL header for this platform: WebGL2 (GLES 3) in the browser, desktop GL through SDL natively.
#pragma once

#if defined(__EMSCRIPTEN__)
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif
