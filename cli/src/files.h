// The command line's file system: reading a whole input (a file or standard input), writing a
// whole output atomically (a temporary file beside it, then a rename, so a failed run never
// leaves a half-written file), and turning a series name into a safe file name.
// Errors are the message to print after "everyseat CMD: ", e.g.
// "cannot open 'x.csv': No such file or directory".
// Thread-safety: functions of the process's file system; no shared state of their own.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace everyseat::cli {

// Reads the whole file, or standard input when path is "-".
[[nodiscard]] tl::expected<std::string, std::string> ReadWhole(const std::string& path);

// A file written whole or not at all: the text goes to a temporary file in the same directory,
// which Commit renames over `path`. Destroyed without a Commit (an error on the way), the
// temporary file is removed and `path` is untouched.
class AtomicFile {
 public:
  [[nodiscard]] static tl::expected<AtomicFile, std::string> Create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();

  [[nodiscard]] tl::expected<void, std::string> Write(std::string_view data);
  [[nodiscard]] tl::expected<void, std::string> Commit();

 private:
  AtomicFile(std::string path, std::string temporary, int fd)
      : path_(std::move(path)), temporary_(std::move(temporary)), fd_(fd) {}
  std::string path_;
  std::string temporary_;
  int fd_ = -1;  // -1 once closed
  bool committed_ = false;
};

// Replaces the file at `path` with `data`, through an AtomicFile.
[[nodiscard]] tl::expected<void, std::string> WriteWhole(const std::string& path,
                                                         std::string_view data);

// Text held back until a command knows it has succeeded (standard output must stay empty when
// it fails), kept in an unlinked temporary file so that a long output never sits whole in
// memory; CopyTo then sends it on in one go.
class Spool {
 public:
  Spool() = default;
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;
  ~Spool();

  // Appends to the spool (the temporary file is made on first use, in $TMPDIR or /tmp).
  [[nodiscard]] tl::expected<void, std::string> Write(std::string_view data);
  // Copies everything written so far to `fd`.
  [[nodiscard]] tl::expected<void, std::string> CopyTo(int fd);

 private:
  int fd_ = -1;
};

// Writes `data` to standard output in one go.
[[nodiscard]] tl::expected<void, std::string> WriteStdout(std::string_view data);

// Creates the directory (and its parents) when it does not exist.
[[nodiscard]] tl::expected<void, std::string> MakeDirectory(const std::string& path);

[[nodiscard]] bool IsDirectory(const std::string& path);
// The size of a regular file in bytes; -1 when it is not one or cannot be seen.
[[nodiscard]] int64_t RegularFileSize(const std::string& path);
[[nodiscard]] bool Exists(const std::string& path);

// A name that is safe as a file name on every common system: letters, digits, '-', '_' and '.'
// kept, everything else '_'; never empty, never starting with '.'.
[[nodiscard]] std::string SafeFileName(std::string_view name);

}  // namespace everyseat::cli
