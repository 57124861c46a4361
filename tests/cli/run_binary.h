// Running the everyseat binary as the tests' subject: a real process with its own standard
// input, output and error, and a scratch directory per test for input and output files.
// Thread-safety: not thread-safe (forks the test process); GoogleTest runs tests one at a time.
#pragma once

#include <string>
#include <vector>

namespace everyseat::testing {

struct Ran {
  int status = -1;  // exit status; -1 when the process did not exit normally
  std::string out;  // standard output
  std::string err;  // standard error
};

// Runs `everyseat ARGS...` with `input` on standard input (empty: /dev/null).
[[nodiscard]] Ran RunEverySeat(const std::vector<std::string>& args, const std::string& input = {});

// A fresh directory, removed with its contents at destruction.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  // The path of `name` inside the directory.
  [[nodiscard]] std::string Path(const std::string& name) const;
  // Writes `text` (bytes as they are) to `name` inside the directory and returns its path.
  std::string Write(const std::string& name, const std::string& text) const;

 private:
  std::string path_;
};

// The whole content of a file; empty when it cannot be read.
[[nodiscard]] std::string ReadFile(const std::string& path);

// Splits text into lines (without their '\n').
[[nodiscard]] std::vector<std::string> Lines(const std::string& text);

}  // namespace everyseat::testing
