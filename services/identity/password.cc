#include "identity/password.h"

#include <argon2.h>
#include <sodium.h>

#include <cstdint>
#include <vector>

namespace minyi::identity {
namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19456;
constexpr uint32_t kParallelism = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

}  // namespace

absl::StatusOr<std::string> HashPassword(absl::string_view password) {
  if (sodium_init() < 0) {
    return absl::InternalError("libsodium failed to initialize");
  }
  unsigned char salt[kSaltBytes];
  randombytes_buf(salt, sizeof salt);
  std::vector<char> encoded(argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltBytes, kHashBytes, Argon2_id));
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(), salt,
                                 sizeof salt, kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return absl::InternalError(argon2_error_message(rc));
  }
  return std::string(encoded.data());
}

bool VerifyPassword(absl::string_view encoded, absl::string_view password) {
  const std::string terminated(encoded);
  return argon2id_verify(terminated.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace minyi::identity
