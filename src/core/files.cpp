// Whole-file reads and atomic writes over C stdio (available natively and in Emscripten's file system).
#include "core/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace latent {

namespace {
std::string describe_errno(int err) { return std::strerror(err); }

// What a path that is not a regular file is, for messages.
const char* special_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a folder";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}
}  // namespace

Status read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::size_t max_bytes) {
  // Opened without blocking (a FIFO would wait for a writer forever), then checked on the descriptor itself, so
  // the path cannot be swapped for something else in between.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return Status::error(path + ": cannot open: " + describe_errno(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::error(path + ": cannot open: " + describe_errno(err));
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    return Status::error(path + ": is a folder, not a file");
  }
  if (!S_ISREG(info.st_mode)) {
    ::close(fd);
    return Status::error(path + ": is " + std::string(special_kind(info.st_mode)) + ", not a regular file");
  }
  if (static_cast<std::uint64_t>(info.st_size) > max_bytes) {
    ::close(fd);
    return Status::error(path + ": is larger than the limit of " + std::to_string(max_bytes) + " bytes");
  }
  std::FILE* file = ::fdopen(fd, "rb");
  if (file == nullptr) {
    const int err = errno;
    ::close(fd);
    return Status::error(path + ": cannot open: " + describe_errno(err));
  }

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
  if (Status s = check_target(path); !s) return s;
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

Status check_target(const std::string& path) {
  // lstat: a symbolic link is replaced by the rename, not followed, so it is the link that must be checked.
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0) return Status::ok();  // a new file
  if (S_ISDIR(info.st_mode)) return Status::error(path + ": is a folder");
  if (!S_ISREG(info.st_mode) && !S_ISLNK(info.st_mode)) {
    return Status::error(path + ": is " + std::string(special_kind(info.st_mode)) +
                         "; weights are written only to a regular file");
  }
  return Status::ok();
}

Status check_writable(const std::string& path) {
  if (Status s = check_target(path); !s) return s;
  const std::string temp = path + ".partial";
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) return Status::error(path + ": cannot write: " + describe_errno(errno));
  std::fclose(file);
  std::remove(temp.c_str());
  return Status::ok();
}

}  // namespace latent
