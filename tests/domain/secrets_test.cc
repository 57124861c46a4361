// Password hashes (argon2id), tokens and SHA-256 through libsodium.
#include "everyseat/domain/secrets.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace everyseat::domain {
namespace {

// FIPS 180-2, appendix B.1 and B.2: the SHA-256 of "abc" and of the 448-bit message.
TEST(Sha256Hex, MatchesTheFips180TestVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HashPassword, GivesAnArgon2idStringThatVerifiesOnlyTheRightPassword) {
  const auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(PasswordNeedsRehash(*hash));
}

TEST(HashPassword, SaltsEachHash) {
  const auto a = HashPassword("same");
  const auto b = HashPassword("same");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*b, "same"));
}

TEST(VerifyPassword, RejectsWhatIsNotAHash) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("plain text", "plain text"));
  EXPECT_FALSE(VerifyPassword(std::string(500, '$'), "x"));
  EXPECT_TRUE(PasswordNeedsRehash("plain text"));
}

TEST(NewToken, Gives64LowerCaseHexCharactersThatDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string t = NewToken();
    ASSERT_EQ(t.size(), 64u);
    ASSERT_TRUE(LooksLikeToken(t)) << t;
    ASSERT_TRUE(seen.insert(t).second) << "repeated token " << t;
  }
}

TEST(LooksLikeToken, AcceptsOnlyTheTokenShape) {
  EXPECT_TRUE(LooksLikeToken(std::string(64, 'a')));
  EXPECT_FALSE(LooksLikeToken(std::string(63, 'a')));
  EXPECT_FALSE(LooksLikeToken(std::string(64, 'A')));
  EXPECT_FALSE(LooksLikeToken(std::string(64, 'g')));
}

}  // namespace
}  // namespace everyseat::domain
