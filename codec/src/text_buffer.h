// Internal to the codec's writers (analysis_json.cc, analysis_csv.cc): appending text to a
// std::string through a raw pointer. A writer asks for room for one record at most (a bound
// computed from the record), writes it with constant-size copies the compiler inlines, and
// commits the pointer it reached; the record is then appended to the string in one copy. The
// room is a scratch area that stays in the cache (the string itself is never resized ahead of
// its text, which would zero-fill memory only to overwrite it). This is what keeps a
// million-row CSV within the time bar of spc.md section 9: no capacity check and no call per
// field.
// Thread-safety: a TextBuffer is owned by one caller.
#pragma once

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace everyseat::codec::detail {

class TextBuffer {
 public:
  explicit TextBuffer(std::string& out) : out_(out) {}
  TextBuffer(const TextBuffer&) = delete;
  TextBuffer& operator=(const TextBuffer&) = delete;

  // A pointer with at least `n` writable characters after it, valid until the next call.
  [[nodiscard]] char* Room(size_t n) {
    if (n <= sizeof local_) return start_ = local_;
    large_.resize(n);
    return start_ = large_.data();
  }
  // Appends what was written from the last Room to `end`.
  // REQUIRES: `end` lies within the room last asked for.
  void Commit(const char* end) { out_.append(start_, static_cast<size_t>(end - start_)); }

 private:
  std::string& out_;
  char* start_ = nullptr;
  std::string large_;  // room for a record larger than local_ (long notes)
  char local_[4096];
};

// Room a number takes at most, plus slack for the fixed-size copy below.
inline constexpr size_t kNumberRoom = 32;

// Copies a string literal (without its terminating zero).
template <size_t N>
inline char* Put(char* p, const char (&text)[N]) {
  std::memcpy(p, text, N - 1);
  return p + (N - 1);
}

inline char* Put(char* p, std::string_view text) {
  if (!text.empty()) std::memcpy(p, text.data(), text.size());  // an empty view may be null
  return p + text.size();
}

inline char* PutInt(char* p, int64_t value) {
  return std::to_chars(p, p + 24, value).ptr;  // 24 characters always suffice
}

// Writes `value` (finite) in the shortest form that reads back as the same double, exactly as
// std::to_chars(first, last, value) does (the fewest significant digits; fixed or scientific
// notation, whichever is shorter, fixed on a tie), and returns the end. REQUIRES: kNumberRoom
// characters of room at p.
//
// Most values in this product are short decimals (measurements with a few decimals, counts,
// rounded limits are not, but they repeat and are memoised), so a fast path handles them and
// everything else goes to std::to_chars (Ryu, several times slower). The fast path: for k = 0,
// 1, 2, ... decimals, m = round(|v| * 10^k); the first m with m / 10^k == |v| (a correctly rounded
// division of exact numbers, so the decimal m * 10^-k reads back as v) gives the fewest
// decimals. With m < 2^50 the step 10^-k is more than four ulps of v, so no other decimal with k
// digits reads back as v, and rounding the product cannot miss m: the text is the one to_chars
// gives, which a randomised test checks against std::to_chars.
inline char* PutShortest(char* p, double value) {
  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                      1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  const double magnitude = std::fabs(value);
  if (magnitude >= 1e-3 && magnitude < 1e15) {  // here fixed notation may be the shorter
    for (int k = 0; k < 19; ++k) {
      const double scaled = magnitude * kPow10[k];
      if (scaled >= 0x1p50) break;
      const double rounded = std::nearbyint(scaled);
      if (rounded / kPow10[k] != magnitude) continue;
      // The digits of m, then where the decimal point goes.
      char digits[24];
      const auto m = static_cast<uint64_t>(rounded);
      const int length = static_cast<int>(std::to_chars(digits, digits + 24, m).ptr - digits);
      int significant = length;  // without trailing zeros (only an integer has any)
      while (significant > 1 && digits[significant - 1] == '0') --significant;
      const int exponent = length - 1 - k;  // of the first digit
      const int exponent_digits = exponent <= -100 || exponent >= 100 ? 3 : 2;
      const int scientific = significant + (significant > 1 ? 1 : 0) + 2 + exponent_digits;
      const int fixed = k == 0 ? length : (length > k ? length + 1 : 2 + k);
      if (fixed > scientific) break;  // to_chars writes this one in scientific notation
      if (value < 0) *p++ = '-';
      if (k == 0) {
        std::memcpy(p, digits, static_cast<size_t>(length));
        return p + length;
      }
      if (length > k) {
        std::memcpy(p, digits, static_cast<size_t>(length - k));
        p += length - k;
        *p++ = '.';
        std::memcpy(p, digits + (length - k), static_cast<size_t>(k));
        return p + k;
      }
      *p++ = '0';
      *p++ = '.';
      for (int z = length; z < k; ++z) *p++ = '0';
      std::memcpy(p, digits, static_cast<size_t>(length));
      return p + length;
    }
  }
  return std::to_chars(p, p + kNumberRoom, value).ptr;
}

// The shortest text of the last double seen, for a column whose values repeat.
// REQUIRES for Put: kNumberRoom characters of room at p.
class NumberMemo {
 public:
  // Writes `value` (or `missing` when it is not finite) and returns the end.
  template <size_t N>
  char* Put(char* p, double value, const char (&missing)[N]) {
    if (!std::isfinite(value)) return detail::Put(p, missing);
    const auto bits = std::bit_cast<uint64_t>(value);
    if (!valid_ || bits != bits_) {
      size_ = static_cast<uint8_t>(PutShortest(text_, value) - text_);
      bits_ = bits;
      valid_ = true;
    }
    std::memcpy(p, text_, kNumberRoom);  // a fixed-size copy: cheaper than an exact one
    return p + size_;
  }

 private:
  uint64_t bits_ = 0;
  bool valid_ = false;
  uint8_t size_ = 0;
  char text_[kNumberRoom] = {};
};

}  // namespace everyseat::codec::detail
