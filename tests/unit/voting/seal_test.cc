#include "voting/seal.h"

#include <sodium.h>

#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace minyi::voting {
namespace {

constexpr char kKey[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
constexpr char kNonce[] = "q3Jx0V9bYp2T4mZr8LwC1A";

TEST(SealTest, TrackerAndCheckDependOnEveryInputAndOnNothingElse) {
  const std::string t = Tracker("votes/1", "approval|projects/1=1", kNonce);
  EXPECT_EQ(t.size(), 64u);
  EXPECT_EQ(t, Tracker("votes/1", "approval|projects/1=1", kNonce));
  EXPECT_NE(t, Tracker("votes/2", "approval|projects/1=1", kNonce));
  EXPECT_NE(t, Tracker("votes/1", "approval|projects/1=0", kNonce));
  EXPECT_NE(t, Tracker("votes/1", "approval|projects/1=1", "another-nonce-0123456789"));
  // The voter-side check is a different hash: knowing a tracker does not give it.
  const std::string check = ReceiptCheck("votes/1", "approval|projects/1=1", kNonce);
  EXPECT_EQ(check.size(), 32u);
  EXPECT_NE(std::string(t), check);
}

TEST(SealTest, NonceMustCarryEnoughRandomness) {
  EXPECT_TRUE(CheckNonce(kNonce).ok());
  EXPECT_EQ(CheckNonce("short").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckNonce("has spaces in it and is long enough").code(), absl::StatusCode::kInvalidArgument);
}

TEST(SealTest, SealedBallotsOpenOnlyForTheirVoteUnderTheirKey) {
  absl::StatusOr<BallotSealer> sealer = BallotSealer::FromHex(kKey);
  ASSERT_TRUE(sealer.ok()) << sealer.status();
  const std::string box = *sealer->Seal("votes/1", "content", 40);
  EXPECT_EQ(box.find("content"), std::string::npos);
  EXPECT_NE(box, *sealer->Seal("votes/1", "content", 40));  // a fresh nonce each time
  EXPECT_EQ(*sealer->Open("votes/1", box, 40), "content");
  EXPECT_EQ(sealer->Open("votes/2", box, 40).status().code(), absl::StatusCode::kDataLoss);
  absl::StatusOr<BallotSealer> other =
      BallotSealer::FromHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
  EXPECT_EQ(other->Open("votes/1", box, 40).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(BallotSealer::FromHex("not-hex").ok());
}

TEST(SealTest, EveryBoxOfAVoteHasOneLengthWhateverItHolds) {
  absl::StatusOr<BallotSealer> sealer = BallotSealer::FromHex(kKey);
  ASSERT_TRUE(sealer.ok()) << sealer.status();
  constexpr std::size_t kLongest = 50;
  const std::string first = *sealer->Seal("votes/1", "", kLongest);
  std::string plaintext;
  for (std::size_t n = 0; n <= kLongest; ++n) {
    const std::string box = *sealer->Seal("votes/1", plaintext, kLongest);
    EXPECT_EQ(box.size(), first.size()) << n;
    // Plaintexts ending in what padding is made of (0x80, zeros) read back exactly.
    EXPECT_EQ(*sealer->Open("votes/1", box, kLongest), plaintext) << n;
    plaintext.push_back(n % 2 == 0 ? '\x80' : '\0');
  }
  // Longer than the vote's longest ballot: refused, not sealed at another length.
  EXPECT_EQ(sealer->Seal("votes/1", std::string(kLongest + 1, 'x'), kLongest).status().code(),
            absl::StatusCode::kInternal);
  // A box of another length does not open.
  EXPECT_EQ(sealer->Open("votes/1", *sealer->Seal("votes/1", "x", kLongest + 1), kLongest).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(SealTest, ABoxWhosePaddingIsMalformedDoesNotOpen) {
  absl::StatusOr<BallotSealer> sealer = BallotSealer::FromHex(kKey);
  ASSERT_TRUE(sealer.ok()) << sealer.status();
  constexpr std::size_t kLongest = 20;
  // Sealed under the right key, for the right vote, at the right length, but not padded: all zeros (no
  // 0x80 marker), then a marker followed by a non-zero byte.
  for (std::string padded :
       {std::string(kLongest + 1, '\0'), std::string("ab\x80\x01") + std::string(kLongest - 3, '\0')}) {
    std::string box(
        crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + padded.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(box.data());
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    const std::string key = absl::HexStringToBytes(kKey);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
                                               reinterpret_cast<const unsigned char*>(padded.data()), padded.size(),
                                               reinterpret_cast<const unsigned char*>("votes/1"), 7, nullptr, nonce,
                                               reinterpret_cast<const unsigned char*>(key.data()));
    ASSERT_EQ(box.size(), sealer->Seal("votes/1", "", kLongest)->size());
    EXPECT_EQ(sealer->Open("votes/1", box, kLongest).status().code(), absl::StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace minyi::voting
