// The process itself: see process.h.
#include "process.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace everyseat::cli {
namespace {

int saved_argc = 0;
char** saved_argv = nullptr;

constexpr char kTunable[] = "glibc.malloc.hugetlb";

}  // namespace

void RememberArguments(int argc, char** argv) {
  saved_argc = argc;
  saved_argv = argv;
}

void RestartWithHugePages() {
  if (saved_argv == nullptr || saved_argc < 1) return;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, kTunable) != nullptr) return;
  std::string value = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":" : "";
  value += kTunable;
  value += "=1";
  if (::setenv("GLIBC_TUNABLES", value.c_str(), 1) != 0) return;
  ::execv("/proc/self/exe", saved_argv);
  // Not restarted (no /proc, say): carry on as we are, and do not try again.
}

}  // namespace everyseat::cli
