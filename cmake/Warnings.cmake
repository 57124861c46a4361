# Warning flags for every target of the project (not for third-party headers, which are SYSTEM).
add_library(everyseat_warnings INTERFACE)
target_compile_options(everyseat_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  $<$<BOOL:${EVERYSEAT_WERROR}>:-Werror>)
