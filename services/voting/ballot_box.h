#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth.h"
#include "common/batcher.h"
#include "common/call.h"
#include "common/pg.h"
#include "minyi/voting/v1/voting.pb.h"
#include "pqxx/pqxx"
#include "voting/remix.h"
#include "voting/seal.h"
#include "voting/tally.h"

namespace minyi::voting {

namespace v1 = ::minyi::voting::v1;

// One CastBallot call as the transport hands it over: the call, whether its client still waits, and how
// its outcome is delivered (the response is filled first when it is OK).
struct CastCall {
  Call call;
  std::function<bool()> cancelled;
  std::function<void(const absl::Status&)> finish;
};

// The ballot box: casting with secret ballots, and the remix that separates the boxes from their casting
// transactions (docs/voting.md, "Casting" and "Remixing"). Casts arriving together are written in one
// transaction (group commit): a cast holds no thread while it waits, and its batch finishes it.
class BallotBox final {
 public:
  BallotBox(PgPool& pool, const Authorizer& authorizer, const BallotSealer& sealer);
  ~BallotBox();

  // Queues the cast; `cast.finish` is called once, from the batch that writes it (possibly before this
  // returns).
  void Cast(CastCall cast, const v1::CastBallotRequest& request, v1::BallotReceipt* response);

  // Remixes the sealed ballots of the votes that received some since their last remix, each at most once
  // per kRemixInterval; at the first call, those of every vote with ballots in its box. main.cc runs it
  // every kRemixLook, from one thread.
  absl::Status RemixDue();
  static constexpr absl::Duration kRemixLook = absl::Milliseconds(100);
  static constexpr absl::Duration kRemixInterval = absl::Seconds(1);

 private:
  struct CastRequest;
  absl::Status Admit(CastRequest& cast);
  void CastBatch(Batcher<CastRequest>::Batch& batch);
  // Whether it put any ballot into the box.
  bool CastInVote(pqxx::work& tx, int64_t vote_id, const std::vector<CastRequest*>& casts);
  absl::Status Remix(int64_t vote_id);
  // A vote's counting rules (form, slots, candidates) never change after set-up: casting reads them from
  // memory instead of the database on every ballot.
  VoteRules Rules(pqxx::transaction_base& tx, int64_t vote_id);

  PgPool& pool_;
  const Authorizer& authorizer_;
  const BallotSealer& sealer_;
  std::mutex rules_mu_;
  std::map<int64_t, VoteRules> rules_ ABSL_GUARDED_BY(rules_mu_);
  std::mutex remix_mu_;
  RemixSchedule remix_schedule_ ABSL_GUARDED_BY(remix_mu_){kRemixInterval};
  bool remixed_at_start_ = false;  // RemixDue's thread only
  // Casts arriving together are written in one transaction: up to 64 per batch, two batches at a time so
  // one can be written while the other commits. Declared last: destroyed first, while the rest still
  // serves the batches it waits for.
  Batcher<CastRequest> cast_batcher_;
};

}  // namespace minyi::voting
