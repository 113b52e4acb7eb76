#include "common/secrets.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace minyi {
namespace {

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) {
    c = static_cast<char>(rng() & 0xff);
  }
  return out;
}

TEST(Secrets, GeneratedValuesPass) {
  std::mt19937_64 rng(20261207);
  // What the docs tell operators to use: openssl rand -hex 32 and -base64 24.
  for (int i = 0; i < 2000; ++i) {
    const std::string hex = absl::BytesToHexString(RandomBytes(rng, 32));
    EXPECT_TRUE(CheckSecret("MINYI_VOTING_BALLOT_KEY", hex, 64).ok()) << hex;
    const std::string b64 = absl::Base64Escape(RandomBytes(rng, 24));
    EXPECT_TRUE(CheckSecret("MINYI_BOOTSTRAP_ADMIN_PASSWORD", b64).ok()) << b64;
  }
}

TEST(Secrets, PlaceholdersPatternsAndWeakValuesAreRefusedNamingTheVariable) {
  for (const char* weak :
       {"change-me", "change-me-to-at-least-32-random-bytes", "CHANGEME-please-0000", "short",
        "aaaaaaaaaaaaaaaaaaaaaaaa", "0123456789abcdef0123456789abcdef", "qwertyuiop-Password1", "my-secret-value-here",
        "<printed>", "${POSTGRES_PASSWORD}", "abababababababababab", "zyxwvutsrqponm-9F3k"}) {
    absl::Status st = CheckSecret("MINYI_BOOTSTRAP_ADMIN_PASSWORD", weak);
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << weak;
    EXPECT_TRUE(absl::StrContains(st.message(), "MINYI_BOOTSTRAP_ADMIN_PASSWORD")) << weak;
    EXPECT_FALSE(absl::StrContains(st.message(), weak)) << "the value itself is never repeated";
  }
  // Long enough, no pattern, but barely two letters used.
  EXPECT_FALSE(CheckSecret("X", "abbaabbbabaabbababbaabab").ok());
  EXPECT_FALSE(CheckSecret("X", std::string(63, 'a') + "b", 64).ok());
}

TEST(Secrets, DsnPasswordIsFoundInBothForms) {
  EXPECT_EQ(DsnPassword("postgresql://minyi:s3cr%40t@db:5432/minyi"), "s3cr@t");
  EXPECT_EQ(DsnPassword("postgres://minyi:pw@db/minyi?sslmode=require"), "pw");
  EXPECT_EQ(DsnPassword("postgresql://postgres@127.0.0.1:5432/db1"), "");
  EXPECT_EQ(DsnPassword("postgresql://db/minyi"), "");
  EXPECT_EQ(DsnPassword("host=db user=minyi password=abc dbname=minyi"), "abc");
  EXPECT_EQ(DsnPassword("host=db user=minyi password='abc' dbname=minyi"), "abc");
  EXPECT_EQ(DsnPassword("host=db user=minyi"), "");
}

// Every value the repository shows for a secret — in the example environment, the compose file, the
// README, docs/ and the Kubernetes files — is refused, so none can be copied into a running platform.
TEST(Secrets, EveryExampleValueInTheRepositoryIsRefused) {
  namespace fs = std::filesystem;
  const fs::path root(MINYI_SOURCE_DIR);
  std::vector<fs::path> files = {root / "deploy/.env.example", root / "deploy/docker-compose.yml", root / "README.md"};
  for (const fs::path& dir : {root / "docs", root / "k8s"}) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      if (entry.is_regular_file()) {
        files.push_back(entry.path());
      }
    }
  }
  // NAME=value and NAME: value for names of secrets, and "password":"value" in JSON examples.
  const std::regex assignment(R"(([A-Z_]*(PASSWORD|SECRET|BALLOT_KEY)[A-Z_]*)[ \t]*[=:][ \t]*["']?([^"'\s#]+))");
  const std::regex json_password(
      R"re("(password|newPassword|currentPassword|temporaryPassword)"[ \t]*:[ \t]*"([^"]+)")re");
  int checked = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    ASSERT_TRUE(in) << file;
    std::stringstream text;
    text << in.rdbuf();
    const std::string content = text.str();
    std::vector<std::pair<std::string, std::string>> found;
    for (std::sregex_iterator it(content.begin(), content.end(), assignment), end; it != end; ++it) {
      found.emplace_back((*it)[1], (*it)[3]);
    }
    for (std::sregex_iterator it(content.begin(), content.end(), json_password), end; it != end; ++it) {
      found.emplace_back((*it)[1], (*it)[2]);
    }
    for (const auto& [name, value] : found) {
      // References to a value held elsewhere are not values: $VAR, ${VAR}, $(command), valueFrom, paths.
      if (value.empty() || absl::StrContains(value, '$') || value[0] == '/' || value == "|" || value == "{" ||
          absl::StartsWith(value, "valueFrom") || absl::StrContains(value, "secretKeyRef")) {
        continue;
      }
      ++checked;
      EXPECT_FALSE(CheckSecret(name, value).ok()) << file << ": " << name << " = " << value;
    }
  }
  EXPECT_GT(checked, 3) << "the scan found too few example values to mean anything";
}

}  // namespace
}  // namespace minyi
