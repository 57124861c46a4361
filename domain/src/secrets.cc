// Password hashing, tokens and SHA-256 with libsodium (secrets.h).
// Thread-safety: libsodium's functions are thread-safe once sodium_init has returned, which the
// function-local static below guarantees before any of them is called.
#include "everyseat/domain/secrets.h"

#include <sodium.h>

#include <array>
#include <cstdlib>
#include <string>
#include <string_view>

namespace everyseat::domain {
namespace {

void EnsureSodium() {
  static const bool ready = [] {
    // -1: no random source could be opened. Nothing safe can be done without one.
    if (sodium_init() < 0) std::abort();
    return true;
  }();
  (void)ready;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  // sodium_bin2hex writes a terminating NUL, so it needs one byte more than the characters.
  std::string buf(2 * n + 1, '\0');
  sodium_bin2hex(buf.data(), buf.size(), bytes, n);
  buf.resize(2 * n);
  return buf;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Invalid("password", "not enough memory to hash the password");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  // crypto_pwhash_str_verify needs a NUL-terminated hash of at most STRBYTES - 1 characters.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash) {
  EnsureSodium();
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

std::string NewToken() {
  EnsureSodium();
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string out = Hex(bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

std::string Sha256Hex(std::string_view data) {
  EnsureSodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size());
  return Hex(digest.data(), digest.size());
}

bool LooksLikeToken(std::string_view token) {
  if (token.size() != kTokenHexLength) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace everyseat::domain
