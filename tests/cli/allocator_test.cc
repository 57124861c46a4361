// The everyseat program is linked with mimalloc (EVERYSEAT_MIMALLOC, on unless sanitizing), which
// then serves every allocation of the process: what bench/README.md measured. This test catches a
// build of the program without it.
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "run_binary.h"

namespace everyseat::testing {
namespace {

TEST(Allocator, TheProgramRunsOnMimalloc) {
  // With MIMALLOC_VERBOSE set, mimalloc says on standard error that it started in the process.
  ASSERT_EQ(setenv("MIMALLOC_VERBOSE", "1", 1), 0);
  const Ran ran = RunEverySeat({"--help"});
  unsetenv("MIMALLOC_VERBOSE");
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_NE(ran.err.find("mimalloc: process init"), std::string::npos) << ran.err;
  // Without it, mimalloc is silent: the program's own output is unchanged.
  const Ran quiet = RunEverySeat({"--help"});
  EXPECT_EQ(quiet.status, 0);
  EXPECT_EQ(quiet.err.find("mimalloc"), std::string::npos) << quiet.err;
  EXPECT_EQ(quiet.out, ran.out);
}

}  // namespace
}  // namespace everyseat::testing
