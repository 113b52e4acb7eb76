#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// EC P-256 keys for ES256 signatures (access tokens, service credentials), read from PEM files. No key is
// ever taken from the environment itself: variables name files, which Kubernetes mounts from Secrets.
struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace minyi {

struct EcPublicKey {
  std::string kid;  // RFC 7638 thumbprint (base64url SHA-256 of the canonical JWK)
  std::string pem;  // SubjectPublicKeyInfo PEM
  std::string x;    // base64url affine coordinates, for the JWK Set
  std::string y;
  // The parsed key, made once: OpenSSL 3 takes hundreds of microseconds to decode a PEM key, many times
  // what the signature itself costs.
  std::shared_ptr<evp_pkey_st> key;
};

struct EcPrivateKey {
  EcPublicKey public_key;
  std::string pem;                   // PKCS#8 or SEC1 PEM
  std::shared_ptr<evp_pkey_st> key;  // parsed once, as above
};

// The private key in file `path`. FAILED_PRECONDITION naming `variable` when the file cannot be read, is
// not an EC P-256 private key, or can be read by group or others (as ssh refuses such a key).
absl::StatusOr<EcPrivateKey> LoadPrivateKey(absl::string_view variable, const std::string& path);

// Every public key in the PEM bundle at `path` (at least one). FAILED_PRECONDITION naming `variable`.
absl::StatusOr<std::vector<EcPublicKey>> LoadPublicKeys(absl::string_view variable, const std::string& path);

// `<name>.pem` files of directory `dir`, each one public key, by name. FAILED_PRECONDITION naming
// `variable` when the directory cannot be read or a file is not a P-256 public key.
absl::StatusOr<std::map<std::string, EcPublicKey>> LoadPublicKeyDirectory(absl::string_view variable,
                                                                          const std::string& dir);

// A P-256 private key from its PEM text (INVALID_ARGUMENT when it is not one).
absl::StatusOr<EcPrivateKey> PrivateKeyFromPem(absl::string_view pem);

// A fresh P-256 key pair as PEM text (private, public), for tests and tools.
struct EcKeyPairPem {
  std::string private_pem;
  std::string public_pem;
};
EcKeyPairPem GenerateEcKeyPair();

}  // namespace minyi
