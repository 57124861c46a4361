// The peers' reference cases (tests/reference): where they are, and how a number of ours is
// compared with a peer's (spc.md section 8: 1e-9 relative, null equals only null).
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace everyseat::testing {

inline std::string CaseDir(const std::string& name) {
  return std::string(EVERYSEAT_REFERENCE_DIR) + "/" + name;
}

inline ::testing::AssertionResult SameNumber(const nlohmann::json& ours,
                                             const nlohmann::json& peer) {
  if (peer.is_null() || ours.is_null()) {
    if (peer.is_null() && ours.is_null()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "ours " << ours.dump() << ", peer " << peer.dump();
  }
  const double a = ours.get<double>();
  const double b = peer.get<double>();
  if (a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b))) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "ours " << ours.dump() << ", peer " << peer.dump();
}

}  // namespace everyseat::testing
