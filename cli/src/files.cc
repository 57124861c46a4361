// The command line's file system: see files.h.
#include "files.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

namespace everyseat::cli {
namespace {

std::string Problem(std::string_view what, const std::string& path, int error) {
  std::string message(what);
  message.append(" '").append(path).append("': ").append(std::strerror(error));
  return message;
}

// Writes all of `data` to `fd`; false with errno set on failure.
bool WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t written = ::write(fd, data.data(), data.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(written));
  }
  return true;
}

// Appends everything readable from `fd`; false with errno set on failure.
bool ReadAll(int fd, std::string& out) {
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
    out.reserve(static_cast<size_t>(info.st_size) + 1);  // the last read finds the end at once
  }
  for (;;) {
    if (out.capacity() == out.size()) out.reserve(std::max<size_t>(out.capacity() * 2, 1 << 16));
    const size_t size = out.size();
    const size_t room = out.capacity() - size;
    out.resize(size + room);  // within the capacity: no reallocation
    ssize_t got = ::read(fd, out.data() + size, room);
    out.resize(size + static_cast<size_t>(std::max<ssize_t>(got, 0)));
    if (got < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (got == 0) return true;
  }
}

}  // namespace

tl::expected<std::string, std::string> ReadWhole(const std::string& path) {
  std::string text;
  if (path == "-") {
    if (!ReadAll(STDIN_FILENO, text)) return tl::unexpected(Problem("cannot read", "-", errno));
    return text;
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return tl::unexpected(Problem("cannot open", path, errno));
  struct stat info {};
  if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
    ::close(fd);
    return tl::unexpected(Problem("cannot read", path, EISDIR));
  }
  const bool ok = ReadAll(fd, text);
  const int error = errno;
  ::close(fd);
  if (!ok) return tl::unexpected(Problem("cannot read", path, error));
  return text;
}

tl::expected<AtomicFile, std::string> AtomicFile::Create(const std::string& path) {
  std::string temporary = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(temporary.data());
  if (fd < 0) return tl::unexpected(Problem("cannot write", path, errno));
  // mkstemp makes the file 0600; give it the permissions an ordinary new file would get.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, static_cast<mode_t>(0666 & ~mask));
  return AtomicFile(path, std::move(temporary), fd);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)),
      temporary_(std::move(other.temporary_)),
      fd_(std::exchange(other.fd_, -1)),
      committed_(std::exchange(other.committed_, true)) {}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  if (fd_ >= 0) ::close(fd_);
  ::unlink(temporary_.c_str());
}

tl::expected<void, std::string> AtomicFile::Write(std::string_view data) {
  if (fd_ < 0 || !WriteAll(fd_, data)) return tl::unexpected(Problem("cannot write", path_, errno));
  return {};
}

tl::expected<void, std::string> AtomicFile::Commit() {
  const int fd = std::exchange(fd_, -1);
  if (::close(fd) != 0 || ::rename(temporary_.c_str(), path_.c_str()) != 0) {
    return tl::unexpected(Problem("cannot write", path_, errno));
  }
  committed_ = true;
  return {};
}

tl::expected<void, std::string> WriteWhole(const std::string& path, std::string_view data) {
  auto file = AtomicFile::Create(path);
  if (!file) return tl::unexpected(std::move(file.error()));
  if (auto written = file->Write(data); !written) return written;
  return file->Commit();
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

tl::expected<void, std::string> Spool::Write(std::string_view data) {
  if (fd_ < 0) {
    const char* tmp = std::getenv("TMPDIR");
    const std::string dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd_ < 0) {  // a file system without O_TMPFILE: an ordinary file, unlinked at once
      std::string path = dir + "/everyseat-spool-XXXXXX";
      fd_ = ::mkstemp(path.data());
      if (fd_ >= 0) ::unlink(path.c_str());
    }
    if (fd_ < 0) return tl::unexpected(Problem("cannot write", dir, errno));
  }
  if (!WriteAll(fd_, data))
    return tl::unexpected(Problem("cannot write", "a temporary file", errno));
  return {};
}

tl::expected<void, std::string> Spool::CopyTo(int fd) {
  if (fd_ < 0) return {};
  const off_t size = ::lseek(fd_, 0, SEEK_CUR);
  off_t offset = 0;
  while (offset < size) {
    const ssize_t sent = ::sendfile(fd, fd_, &offset, static_cast<size_t>(size - offset));
    if (sent > 0) continue;
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EINVAL || errno == ENOSYS)) {  // no sendfile to this kind of file
      char buffer[1 << 16];
      while (offset < size) {
        const ssize_t got = ::pread(fd_, buffer, sizeof buffer, offset);
        if (got <= 0) break;
        if (!WriteAll(fd, std::string_view(buffer, static_cast<size_t>(got)))) break;
        offset += got;
      }
      if (offset == size) return {};
    }
    return tl::unexpected(std::string("cannot write to standard output: ") + std::strerror(errno));
  }
  return {};
}

tl::expected<void, std::string> WriteStdout(std::string_view data) {
  if (!WriteAll(STDOUT_FILENO, data)) {
    return tl::unexpected(std::string("cannot write to standard output: ") + std::strerror(errno));
  }
  return {};
}

tl::expected<void, std::string> MakeDirectory(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error || !IsDirectory(path)) {
    return tl::unexpected("cannot create directory '" + path +
                          "': " + (error ? error.message() : std::strerror(ENOTDIR)));
  }
  return {};
}

bool IsDirectory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

int64_t RegularFileSize(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return -1;
  return static_cast<int64_t>(info.st_size);
}

bool Exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::string SafeFileName(std::string_view name) {
  std::string safe;
  safe.reserve(name.size() + 1);
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.';
    safe.push_back(plain ? c : '_');
  }
  if (safe.empty() || safe.front() == '.') safe.insert(safe.begin(), '_');
  return safe;
}

}  // namespace everyseat::cli
