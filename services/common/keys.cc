#include "common/keys.h"

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace minyi {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::shared_ptr<EVP_PKEY> Shared(PkeyPtr key) { return std::shared_ptr<EVP_PKEY>(key.release(), PkeyFree()); }
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

absl::Status Problem(absl::string_view variable, absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("configuration: ", variable, " ", what));
}

absl::StatusOr<std::string> ReadFile(absl::string_view variable, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Problem(variable, absl::StrCat("names a file that cannot be read: ", path));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Base64Url(const unsigned char* data, size_t size) {
  std::string out;
  absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(data), size), &out);
  return out;
}

bool IsP256(EVP_PKEY* key) {
  if (!EVP_PKEY_is_a(key, "EC")) {
    return false;
  }
  char group[64] = {0};
  size_t len = 0;
  return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1 &&
         absl::string_view(group, len) == "prime256v1";
}

std::string Coordinate(EVP_PKEY* key, const char* param) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) {
    return "";
  }
  BnPtr bn(raw);
  unsigned char buf[32];
  if (BN_bn2binpad(bn.get(), buf, sizeof buf) != sizeof buf) {
    return "";
  }
  return Base64Url(buf, sizeof buf);
}

// The public half of a P-256 key: its PEM, coordinates, thumbprint and parsed form. Empty pem on failure.
EcPublicKey Describe(EVP_PKEY* key) {
  EcPublicKey out;
  out.x = Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_X);
  out.y = Coordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y);
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (out.x.empty() || out.y.empty() || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return {};
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  out.pem.assign(data, static_cast<size_t>(size));
  // A key of its own holding only the public half, so a verifier never holds a private key.
  BioPtr again(BIO_new_mem_buf(out.pem.data(), static_cast<int>(out.pem.size())));
  out.key = Shared(PkeyPtr(PEM_read_bio_PUBKEY(again.get(), nullptr, nullptr, nullptr)));
  if (out.key == nullptr) {
    return {};
  }
  // RFC 7638: the required members in lexicographic order, no whitespace.
  const std::string canonical = absl::StrCat(R"({"crv":"P-256","kty":"EC","x":")", out.x, R"(","y":")", out.y, R"("})");
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size(), digest);
  out.kid = Base64Url(digest, sizeof digest);
  return out;
}

// Every PUBKEY block of `pem`; an empty vector when there is none or one is not a P-256 key.
std::vector<EcPublicKey> ParsePublicKeys(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<EcPublicKey> keys;
  while (true) {
    PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (key == nullptr) {
      break;
    }
    if (!IsP256(key.get())) {
      return {};
    }
    EcPublicKey described = Describe(key.get());
    if (described.pem.empty()) {
      return {};
    }
    keys.push_back(std::move(described));
  }
  return keys;
}

}  // namespace

absl::StatusOr<EcPrivateKey> PrivateKeyFromPem(absl::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr || !IsP256(key.get())) {
    return absl::InvalidArgumentError("not an EC P-256 private key in PEM");
  }
  EcPublicKey pub = Describe(key.get());
  if (pub.pem.empty()) {
    return absl::InternalError("cannot derive the public key");
  }
  return EcPrivateKey{std::move(pub), std::string(pem), Shared(std::move(key))};
}

absl::StatusOr<EcPrivateKey> LoadPrivateKey(absl::string_view variable, const std::string& path) {
  struct stat st {};
  if (path.empty() || stat(path.c_str(), &st) != 0) {
    return Problem(variable, absl::StrCat("names a file that does not exist: ", path));
  }
  if ((st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
    return Problem(variable, absl::StrCat("names a private key that others can read: ", path, " (chmod o-rw)"));
  }
  absl::StatusOr<std::string> pem = ReadFile(variable, path);
  if (!pem.ok()) {
    return pem.status();
  }
  absl::StatusOr<EcPrivateKey> key = PrivateKeyFromPem(*pem);
  if (!key.ok()) {
    return Problem(variable, absl::StrCat("must name an EC P-256 private key in PEM: ", path));
  }
  return key;
}

absl::StatusOr<std::vector<EcPublicKey>> LoadPublicKeys(absl::string_view variable, const std::string& path) {
  absl::StatusOr<std::string> pem = ReadFile(variable, path);
  if (!pem.ok()) {
    return pem.status();
  }
  std::vector<EcPublicKey> keys = ParsePublicKeys(*pem);
  if (keys.empty()) {
    return Problem(variable, absl::StrCat("must name a PEM file of EC P-256 public keys: ", path));
  }
  return keys;
}

absl::StatusOr<std::map<std::string, EcPublicKey>> LoadPublicKeyDirectory(absl::string_view variable,
                                                                          const std::string& dir) {
  std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), &closedir);
  if (d == nullptr) {
    return Problem(variable, absl::StrCat("names a directory that cannot be read: ", dir));
  }
  std::map<std::string, EcPublicKey> keys;
  while (const dirent* entry = readdir(d.get())) {
    const absl::string_view file = entry->d_name;
    // Kubernetes mounts a ConfigMap as symlinks next to hidden "..data" folders: skip dot files.
    if (file.empty() || file.front() == '.' || !absl::EndsWith(file, ".pem")) {
      continue;
    }
    const std::string name(file.substr(0, file.size() - 4));
    absl::StatusOr<std::string> pem = ReadFile(variable, absl::StrCat(dir, "/", file));
    if (!pem.ok()) {
      return pem.status();
    }
    std::vector<EcPublicKey> found = ParsePublicKeys(*pem);
    if (found.size() != 1) {
      return Problem(variable, absl::StrCat("file ", file, " must hold exactly one EC P-256 public key"));
    }
    keys.emplace(name, std::move(found.front()));
  }
  return keys;
}

EcKeyPairPem GenerateEcKeyPair() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  EcKeyPairPem out;
  if (key == nullptr) {
    return out;
  }
  BioPtr priv(BIO_new(BIO_s_mem()));
  BioPtr pub(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key.get()) != 1) {
    return out;
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(priv.get(), &data);
  out.private_pem.assign(data, static_cast<size_t>(size));
  size = BIO_get_mem_data(pub.get(), &data);
  out.public_pem.assign(data, static_cast<size_t>(size));
  return out;
}

}  // namespace minyi
