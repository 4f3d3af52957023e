// GlTextureStore: the TextureStore on OpenGL 3 / WebGL2: one RGBA8 texture per slot, updated in place, and only
// when its pixels changed (panels hand over every image every frame; most frames change few of them).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "app/textures.hpp"

namespace latent {

class GlTextureStore final : public TextureStore {
 public:
  GlTextureStore() = default;
  GlTextureStore(const GlTextureStore&) = delete;
  GlTextureStore& operator=(const GlTextureStore&) = delete;
  ~GlTextureStore() override;
  ImTextureID upload(int slot, int width, int height, const std::uint32_t* rgba, bool smooth) override;
  void release();  // deletes every texture; call while the GL context is still current

 private:
  struct Texture {
    unsigned id = 0;
    int width = 0;
    int height = 0;
    std::vector<std::uint32_t> pixels;  // what the texture holds now
  };
  std::map<int, Texture> textures_;
};

}  // namespace latent
