// Secrets: password hashes, random tokens and SHA-256, all from libsodium.
//
// - Passwords are hashed with argon2id (crypto_pwhash_str, the INTERACTIVE limits: 64 MiB,
//   2 passes, about 130 ms on the project's machines). The result is a self-describing string
//   "$argon2id$v=19$m=65536,t=2,p=1$..." that carries its own salt and parameters.
// - Tokens (API tokens, session identifiers) are 32 random bytes (256 bits) from the operating
//   system's generator, written as 64 lower-case hex characters. They are stored only as their
//   SHA-256: a fast hash is right for a random 256-bit value, which cannot be guessed.
//
// libsodium is initialised once, on first use (sodium_init; the program aborts if the operating
// system has no random source, which no input can cause).
// Thread-safety: every function is safe to call concurrently.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "everyseat/domain/error.h"

namespace everyseat::domain {

inline constexpr size_t kTokenBytes = 32;
inline constexpr size_t kTokenHexLength = 2 * kTokenBytes;

// Fails only when the memory for the hash cannot be had (field "password").
[[nodiscard]] Result<std::string> HashPassword(std::string_view password);
// True when `password` matches `hash` (from HashPassword). False for a wrong password and for a
// hash that is not an argon2id string. Takes as long as hashing.
[[nodiscard]] bool VerifyPassword(std::string_view hash, std::string_view password);
// True when `hash` was made with other limits than today's, so it should be replaced on the
// next successful sign-in.
[[nodiscard]] bool PasswordNeedsRehash(std::string_view hash);

// 32 random bytes as 64 lower-case hex characters.
[[nodiscard]] std::string NewToken();
// The SHA-256 of `data` as 64 lower-case hex characters (FIPS 180-4).
[[nodiscard]] std::string Sha256Hex(std::string_view data);
// True when `token` has the shape NewToken gives (64 lower-case hex characters).
[[nodiscard]] bool LooksLikeToken(std::string_view token);

}  // namespace everyseat::domain
