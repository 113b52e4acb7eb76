#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/keys.h"
#include "nlohmann/json.hpp"

// ES256 JSON Web Tokens (RFC 7519) with the algorithm pinned: what access tokens and service credentials
// are built on. Claims are JSON; what they mean is checked by the callers.
namespace minyi {

// A compact JWT with header {"alg":"ES256","typ":"JWT","kid":kid} and `claims`, signed with `key`.
absl::StatusOr<std::string> SignJwt(const EcPrivateKey& key, absl::string_view kid, const nlohmann::json& claims);

// The claims of `token` when its header names ES256 and a `kid` for which `key_for` gives a key, and its
// signature verifies under that key. The header's algorithm is checked before anything else, so a token
// never chooses how it is verified ("none", HS256 with a public key as the secret). Every part must be
// canonical base64url. UNAUTHENTICATED (TOKEN_INVALID) with the reason otherwise.
absl::StatusOr<nlohmann::json> VerifyJwt(absl::string_view token,
                                         const std::function<const EcPublicKey*(absl::string_view kid)>& key_for);

}  // namespace minyi
