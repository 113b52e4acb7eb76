#include "voting/seal.h"

#include <string>

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
  const std::string box = sealer->Seal("votes/1", "content");
  EXPECT_EQ(box.find("content"), std::string::npos);
  EXPECT_NE(box, sealer->Seal("votes/1", "content"));  // a fresh nonce each time
  EXPECT_EQ(*sealer->Open("votes/1", box), "content");
  EXPECT_EQ(sealer->Open("votes/2", box).status().code(), absl::StatusCode::kDataLoss);
  absl::StatusOr<BallotSealer> other =
      BallotSealer::FromHex("ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100");
  EXPECT_EQ(other->Open("votes/1", box).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(BallotSealer::FromHex("not-hex").ok());
}

}  // namespace
}  // namespace minyi::voting
