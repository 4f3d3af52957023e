// GlTextureStore: texture creation and in-place updates.
#include "platform/gl_textures.hpp"

#include <algorithm>
#include <cstdint>

#include "platform/gl.hpp"

namespace latent {

GlTextureStore::~GlTextureStore() { release(); }

void GlTextureStore::release() {
  for (auto& [slot, t] : textures_) glDeleteTextures(1, &t.id);
  textures_.clear();
}

ImTextureID GlTextureStore::upload(int slot, int width, int height, const std::uint32_t* rgba, bool smooth) {
  Texture& t = textures_[slot];
  const auto count = static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  const auto id = [&t] { return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(t.id)); };
  if (t.id != 0 && t.width == width && t.height == height && std::equal(rgba, rgba + count, t.pixels.begin())) {
    return id();
  }
  t.pixels.assign(rgba, rgba + count);
  if (t.id == 0) glGenTextures(1, &t.id);
  glBindTexture(GL_TEXTURE_2D, t.id);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  const GLint filter = smooth ? GL_LINEAR : GL_NEAREST;
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, filter);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  if (t.width != width || t.height != height) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, width, height, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
    t.width = width;
    t.height = height;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  }
  return id();
}

}  // namespace latent
