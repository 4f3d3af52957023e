// Whole-file reads with a size limit, and writes that never leave a half-written file behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"

namespace latent {

inline constexpr std::size_t kMaxInputFileBytes = std::size_t{1} << 30;  // 1 GiB: far above any IDX set used here

// Reads `path` into `bytes`; errors name the path and say what is wrong (missing, a folder, a FIFO, a device or
// anything else that is not a regular file, too large: by its size before reading, and while reading).
Status read_file(const std::string& path, std::vector<std::uint8_t>& bytes,
                 std::size_t max_bytes = kMaxInputFileBytes);

// Writes to a temporary file beside `path`, then renames it over `path`: an existing file survives a failure.
Status write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes);

// Refuses an output path that exists and is not a regular file (a FIFO, a device such as /dev/null, a folder):
// writing would replace it with a regular file. A missing path is fine.
Status check_target(const std::string& path);

// Checks early that write_file_atomically(path, ...) can succeed (the folder exists and is writable, the path
// is not a folder), so that a long job can refuse before it starts instead of failing at the end.
Status check_writable(const std::string& path);

}  // namespace latent
