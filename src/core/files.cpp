// Whole-file reads and atomic writes over C stdio (available natively and in Emscripten's file system).
#include "core/files.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace latent {

namespace {
std::string describe_errno(int err) { return std::strerror(err); }
}  // namespace

Status read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::size_t max_bytes) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return Status::error(path + ": cannot open: " + describe_errno(errno));
  if (S_ISDIR(info.st_mode)) return Status::error(path + ": is a folder, not a file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return Status::error(path + ": cannot open: " + describe_errno(errno));

  std::vector<std::uint8_t> data;
  std::uint8_t buffer[1 << 16];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
    if (data.size() + got > max_bytes) {
      std::fclose(file);
      return Status::error(path + ": is larger than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    data.insert(data.end(), buffer, buffer + got);
  }
  const bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) return Status::error(path + ": read error");
  bytes = std::move(data);
  return Status::ok();
}

Status write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes) {
  const std::string temp = path + ".partial";
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) return Status::error(path + ": cannot write: " + describe_errno(errno));
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) {
    std::remove(temp.c_str());
    return Status::error(path + ": write failed (disk full?)");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    std::remove(temp.c_str());
    return Status::error(path + ": cannot write: " + describe_errno(err));
  }
  return Status::ok();
}

Status check_writable(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) return Status::error(path + ": is a folder");
  const std::string temp = path + ".partial";
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) return Status::error(path + ": cannot write: " + describe_errno(errno));
  std::fclose(file);
  std::remove(temp.c_str());
  return Status::ok();
}

}  // namespace latent
