// gzip inflation through zlib's streaming API, growing the output in bounded chunks.
#include "core/gzip.hpp"

#include <algorithm>

#if LATENT_HAVE_ZLIB
#include <zlib.h>
#endif

namespace latent {

bool is_gzip(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

#if LATENT_HAVE_ZLIB
Status gunzip(std::span<const std::uint8_t> bytes, const std::string& name, std::vector<std::uint8_t>& out,
              std::size_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return Status::error(name + ": cannot start gzip decoder");
  std::vector<std::uint8_t> result;
  std::size_t consumed = 0;
  int code = Z_OK;
  constexpr std::size_t kChunk = std::size_t{1} << 20;
  while (code != Z_STREAM_END) {
    if (result.size() >= max_bytes) {
      inflateEnd(&stream);
      return Status::error(name + ": decompresses to more than " + std::to_string(max_bytes) + " bytes");
    }
    // zlib counts in uInt; feed it at most 1 GiB of input at a time.
    const std::size_t in_now = std::min<std::size_t>(bytes.size() - consumed, std::size_t{1} << 30);
    stream.next_in = const_cast<Bytef*>(bytes.data() + consumed);
    stream.avail_in = static_cast<uInt>(in_now);
    const std::size_t before = result.size();
    const std::size_t room = std::min(kChunk, max_bytes - before);
    result.resize(before + room);
    stream.next_out = result.data() + before;
    stream.avail_out = static_cast<uInt>(room);
    code = inflate(&stream, Z_NO_FLUSH);
    consumed += in_now - stream.avail_in;
    result.resize(before + (room - stream.avail_out));
    if (code == Z_STREAM_END) break;
    if (code == Z_BUF_ERROR && consumed == bytes.size() && stream.avail_out != 0) {
      inflateEnd(&stream);
      return Status::error(name + ": gzip data ends early (truncated file?)");
    }
    if (code != Z_OK && code != Z_BUF_ERROR) {
      const std::string why = stream.msg != nullptr ? stream.msg : "error " + std::to_string(code);
      inflateEnd(&stream);
      return Status::error(name + ": corrupt gzip data (" + why + ")");
    }
  }
  inflateEnd(&stream);
  if (consumed != bytes.size()) {
    return Status::error(name + ": has " + std::to_string(bytes.size() - consumed) +
                         " unexpected bytes after the gzip data");
  }
  out = std::move(result);
  return Status::ok();
}

Status gunzip_prefix(std::span<const std::uint8_t> bytes, const std::string& name, std::size_t count,
                     std::vector<std::uint8_t>& out) {
  z_stream stream{};
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return Status::error(name + ": cannot start gzip decoder");
  std::vector<std::uint8_t> result(count);
  stream.next_in = const_cast<Bytef*>(bytes.data());
  stream.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), std::size_t{1} << 30));
  stream.next_out = result.data();
  stream.avail_out = static_cast<uInt>(count);
  int code = Z_OK;
  while (stream.avail_out > 0 && code == Z_OK) code = inflate(&stream, Z_NO_FLUSH);
  const std::string why = stream.msg != nullptr ? stream.msg : "error " + std::to_string(code);
  result.resize(count - stream.avail_out);
  inflateEnd(&stream);
  if (code != Z_OK && code != Z_STREAM_END && code != Z_BUF_ERROR) {
    return Status::error(name + ": corrupt gzip data (" + why + ")");
  }
  out = std::move(result);
  return Status::ok();
}
#else
Status gunzip(std::span<const std::uint8_t>, const std::string& name, std::vector<std::uint8_t>&, std::size_t) {
  return Status::error(name + ": is gzip-compressed, but this build has no gzip support; decompress it first");
}
Status gunzip_prefix(std::span<const std::uint8_t>, const std::string& name, std::size_t, std::vector<std::uint8_t>&) {
  return Status::error(name + ": is gzip-compressed, but this build has no gzip support; decompress it first");
}
#endif

}  // namespace latent
