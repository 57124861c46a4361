// Constants of the method: Anhoej runs limits (Anhoej & Olesen 2014; qicharts2 runs.analysis)
// and control chart constants with exact c4 (Montgomery, Introduction to Statistical Quality
// Control, 6th ed., section 6.3 and appendix VI; qicharts2 c4/c5/a3/b3/b4).
// Thread-safety: safe; the crossings table is a lock-free memo of idempotent values.
#include <array>
#include <atomic>
#include <cmath>

#include "internal.h"

namespace everyseat::spc::detail {
namespace {

// The smallest c with P(X <= c) >= 0.05, X ~ Binomial(trials, 1/2), summing the probability
// mass function in long double from far enough below the mean that the lower tail is nil.
int QBinomHalf(int trials) {
  if (trials <= 0) return 0;
  const long double n = trials;
  const long double sd = std::sqrt(n) / 2;
  long double start = std::floor(n / 2 - 9 * sd);  // the tail below is < 1e-18
  if (start < 0) start = 0;
  auto x = static_cast<long long>(start);
  long double log_pmf = std::lgamma(n + 1) - std::lgamma(static_cast<long double>(x) + 1) -
                        std::lgamma(n - static_cast<long double>(x) + 1) - n * std::log(2.0L);
  long double pmf = std::exp(log_pmf);
  long double cdf = pmf;
  while (cdf < 0.05L && x < trials) {
    pmf = pmf * (n - static_cast<long double>(x)) / (static_cast<long double>(x) + 1);
    ++x;
    cdf += pmf;
  }
  return static_cast<int>(x);
}

constexpr int kMemo = 1 << 16;
// Holds the value plus one; zero (static initialisation) means not computed yet.
std::array<std::atomic<int>, kMemo + 1> crossings_memo{};

}  // namespace

int CrossingsMin(int n_useful) {
  const int trials = n_useful > 0 ? n_useful - 1 : 0;
  if (trials > kMemo) return QBinomHalf(trials);
  std::atomic<int>& slot = crossings_memo[static_cast<size_t>(trials)];
  const int cached = slot.load(std::memory_order_relaxed);
  if (cached > 0) return cached - 1;
  const int value = QBinomHalf(trials);
  slot.store(value + 1, std::memory_order_relaxed);
  return value;
}

int LongestRunMax(int n_useful) {
  return static_cast<int>(std::lround(std::log2(static_cast<double>(n_useful)))) + 3;
}

double C4(double n) {
  if (!(n > 1)) return kMissing;
  return std::sqrt(2 / (n - 1)) * std::exp(std::lgamma(n / 2) - std::lgamma((n - 1) / 2));
}

namespace {
double C5(double n) {
  const double c4 = C4(n);
  return std::sqrt(1 - c4 * c4);
}
}  // namespace

double A3(double n, double sigmas) {
  if (!(n > 1)) return kMissing;
  return sigmas / (C4(n) * std::sqrt(n));
}

double B3(double n, double sigmas) {
  if (!(n > 1)) return kMissing;
  return std::max(0.0, 1 - sigmas * C5(n) / C4(n));
}

double B4(double n, double sigmas) {
  if (!(n > 1)) return kMissing;
  return 1 + sigmas * C5(n) / C4(n);
}

}  // namespace everyseat::spc::detail
