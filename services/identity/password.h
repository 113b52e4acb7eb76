#pragma once

#include <string>

#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace minyi::identity {

// Argon2id with OWASP's minimum parameters (t=2, m=19 MiB, p=1) and a random 16-byte salt, in the PHC
// encoded form ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), which carries its own parameters so they
// can be raised later without invalidating stored hashes.
absl::StatusOr<std::string> HashPassword(absl::string_view password);

// True when `password` matches `encoded`. A malformed `encoded` is a mismatch, never a crash.
bool VerifyPassword(absl::string_view encoded, absl::string_view password);

// At most `n` Argon2id computations at once. Each takes tens of milliseconds and 19 MiB: past the limit a
// caller is turned away at once rather than queued, so a flood of sign-ins can never hold every worker
// thread and starve the service's other calls.
class HashingSlots final {
 public:
  explicit HashingSlots(int n) : free_(n) {}

  class Slot final {
   public:
    explicit Slot(HashingSlots* owner) : owner_(owner) {}
    Slot(Slot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_ != nullptr) {
        absl::MutexLock lock(&owner_->mu_);
        ++owner_->free_;
      }
    }

   private:
    HashingSlots* owner_;
  };

  // A slot, or nullopt when all are taken.
  std::optional<Slot> TryAcquire() {
    absl::MutexLock lock(&mu_);
    if (free_ == 0) {
      return std::nullopt;
    }
    --free_;
    return Slot(this);
  }

 private:
  absl::Mutex mu_;
  int free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace minyi::identity
