// gzip: recognises gzip data and inflates it with zlib: Debian's zlib natively, the same zlib compiled for the web
// build (cmake/web-deps), so the page hands its gzipped digits to the core as they came.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace latent {

inline constexpr std::size_t kMaxInflatedBytes = std::size_t{1} << 30;  // 1 GiB

bool is_gzip(std::span<const std::uint8_t> bytes);

// Inflates gzip `bytes` (named `name` in errors) into `out`, refusing to grow past `max_bytes` whatever the
// stream claims. Fails with a clear message where zlib is not built in.
Status gunzip(std::span<const std::uint8_t> bytes, const std::string& name, std::vector<std::uint8_t>& out,
              std::size_t max_bytes = kMaxInflatedBytes);

// Inflates only the first `count` bytes of gzip `bytes` (fewer if the stream is shorter): enough to read a header
// and learn how large the whole should be before inflating it. Corrupt data in that prefix is refused.
Status gunzip_prefix(std::span<const std::uint8_t> bytes, const std::string& name, std::size_t count,
                     std::vector<std::uint8_t>& out);

}  // namespace latent
