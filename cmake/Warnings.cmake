# Warning flags for every target of the project (not for third-party headers, which are SYSTEM).
add_library(everyseat_warnings INTERFACE)
target_compile_options(everyseat_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${EVERYSEAT_WERROR}>:-Werror>
  # GCC 12 reports impossible std::string copies as -Wrestrict at -O2 when short literals are
  # assigned or inserted (GCC bug 105329, fixed in GCC 13): a false positive, off for GCC.
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
