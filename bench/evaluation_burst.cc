// The on-site burst (现场计分): R raters each submit a score sheet for each of S subjects through the
// gateway as fast as C keep-alive connections allow, then staff close the campaign and the result is
// computed and announced in that one call. Prints sheets per second, latency percentiles, the close's
// round trip and a check that every sheet counted, as one line of JSON.
//
//   evaluation_burst --port 18080 --token-key PEM [--raters 500] [--subjects 10] [--connections 50]
//
// Tokens are minted with the identity service's signing key, as the identity service would issue them, so the
// burst measures scoring and not 500 Argon2id sign-ins.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth.h"
#include "nlohmann/json.hpp"
#include "support/harness.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  int port = 18080;
  std::string token_key;  // the identity service's token signing key (PEM file)
  int raters = 500;
  int subjects = 10;
  int connections = 50;
};

// One request on a keep-alive connection to the gateway as the holder of `token`; returns the status.
int Call(minyi::testing::HttpConnection& conn, std::string_view method, const std::string& target,
         const std::string& token, const std::string& payload, std::string* body) {
  const minyi::testing::HttpResponse r = conn.Request(
      method, target, payload, {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  if (body != nullptr) {
    *body = r.body;
  }
  return r.status;
}

std::string Mint(const minyi::TokenIssuer& signer, minyi::common::v1::Role role, int account) {
  minyi::Caller caller;
  caller.set_account_id(absl::StrCat(account));
  caller.set_role(role);
  return *signer.Issue(caller, absl::Now());
}

std::string Rater(int i) { return absl::StrCat("accounts/", 100000 + i); }

// The office account the campaign is run as: one no real account has. The admin's (1) will not do: the
// local run changes its bootstrap password, which revokes every token of version 0, as minted here.
constexpr int kStaffAccount = 99999;

json Indicators(int n) {
  json out = json::array();
  for (int i = 0; i < n; ++i) {
    out.push_back({{"code", absl::StrCat("I", i)}, {"title", absl::StrCat("指标", i)}, {"maxPoints", 100 / n}});
  }
  return out;
}

// Three groups like an on-site session: members and deputies score 5 indicators, citizens pick a grade.
json Campaign(const Options& o) {
  json subjects = json::array();
  for (int s = 0; s < o.subjects; ++s) {
    subjects.push_back({{"kind", "SUBJECT_KIND_DEPARTMENT"},
                        {"displayName", absl::StrCat("部门", s)},
                        {"department", absl::StrCat("dept-", s)}});
  }
  json groups = json::array();
  const int members = o.raters * 2 / 5;
  const int deputies = o.raters * 2 / 5;
  json raters[3] = {json::array(), json::array(), json::array()};
  for (int i = 0; i < o.raters; ++i) {
    raters[i < members ? 0 : i < members + deputies ? 1 : 2].push_back(Rater(i));
  }
  groups.push_back({{"code", "members"},
                    {"displayName", "常委会组成人员"},
                    {"weight", 40},
                    {"trimExtremes", true},
                    {"raters", raters[0]},
                    {"indicators", Indicators(5)}});
  groups.push_back({{"code", "deputies"},
                    {"displayName", "基层代表"},
                    {"weight", 30},
                    {"trimExtremes", true},
                    {"raters", raters[1]},
                    {"indicators", Indicators(5)}});
  groups.push_back({{"code", "citizens"},
                    {"displayName", "群众代表"},
                    {"weight", 30},
                    {"raters", raters[2]},
                    {"gradePoints", {{"satisfied", 100}, {"basicallySatisfied", 75}, {"unsatisfied", 40}}}});
  return {{"title", "现场评议压力测试"},
          {"kind", "CAMPAIGN_KIND_DEPARTMENT_WORK"},
          {"subjects", subjects},
          {"stages", {{{"stage", "STAGE_ON_SITE"}, {"weight", 100}}}},
          {"raterGroups", groups}};
}

json Sheet(const std::string& subject, int rater, int subject_index, bool grade_sheet) {
  if (grade_sheet) {
    static const char* kGrades[] = {"GRADE_SATISFIED", "GRADE_BASICALLY_SATISFIED", "GRADE_UNSATISFIED"};
    return {{"subject", subject}, {"grade", kGrades[(rater + subject_index) % 3]}};
  }
  json scores = json::array();
  for (int i = 0; i < 5; ++i) {
    scores.push_back({{"indicator", absl::StrCat("I", i)}, {"points", 10 + (rater * 7 + subject_index * 3 + i) % 11}});
  }
  return {{"subject", subject}, {"scores", scores}};
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--port") {
      o.port = std::stoi(value);
    } else if (flag == "--token-key") {
      o.token_key = value;
    } else if (flag == "--raters") {
      o.raters = std::stoi(value);
    } else if (flag == "--subjects") {
      o.subjects = std::stoi(value);
    } else if (flag == "--connections") {
      o.connections = std::stoi(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.token_key.empty()) {
    std::fprintf(stderr,
                 "usage: evaluation_burst --port P --token-key PEM [--raters R] [--subjects S] [--connections C]\n");
    return 2;
  }
  absl::StatusOr<minyi::EcPrivateKey> key = minyi::LoadPrivateKey("--token-key", o.token_key);
  if (!key.ok()) {
    std::fprintf(stderr, "%s\n", std::string(key.status().message()).c_str());
    return 2;
  }
  const minyi::TokenIssuer signer(*key, "minyi");
  const std::string staff = Mint(signer, minyi::common::v1::ROLE_STAFF, kStaffAccount);
  minyi::testing::HttpConnection admin(o.port);
  std::string body;
  if (Call(admin, "POST", "/v1/evaluations", staff, Campaign(o).dump(), &body) != 200) {
    std::fprintf(stderr, "create failed: %s\n", body.c_str());
    return 1;
  }
  const json created = json::parse(body);
  const std::string name = created.value("name", "");
  if (Call(admin, "POST", absl::StrCat("/v1/", name, ":open"), staff, "{}", &body) != 200) {
    std::fprintf(stderr, "open failed: %s\n", body.c_str());
    return 1;
  }

  // Every (rater, subject) pair once, in rater order: rater k's sheets go out together, as on site.
  struct Job {
    std::string token;
    std::string payload;
  };
  std::vector<Job> jobs;
  const int grade_from = o.raters * 4 / 5;
  for (int r = 0; r < o.raters; ++r) {
    const std::string token = Mint(signer, minyi::common::v1::ROLE_CITIZEN, 100000 + r);
    for (int s = 0; s < o.subjects; ++s) {
      jobs.push_back({token, Sheet(created["subjects"][s].value("name", ""), r, s, r >= grade_from).dump()});
    }
  }
  const std::string target = absl::StrCat("/v1/", name, "/scoreSheets");
  std::atomic<std::size_t> next{0};
  std::atomic<long> errors{0};
  std::vector<std::vector<double>> latencies(o.connections);
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      minyi::testing::HttpConnection conn(o.port);
      for (std::size_t k = next++; k < jobs.size(); k = next++) {
        const Clock::time_point t0 = Clock::now();
        std::string response;
        if (Call(conn, "POST", target, jobs[k].token, jobs[k].payload, &response) != 200) {
          if (errors++ == 0) {
            std::fprintf(stderr, "sheet refused: %s\n", response.c_str());
          }
        }
        latencies[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  const double burst_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (const auto& l : latencies) {
    all.insert(all.end(), l.begin(), l.end());
  }

  Call(admin, "GET", absl::StrCat("/v1/", name), staff, "", &body);
  const int received = json::parse(body).value("sheetsReceived", 0);
  const Clock::time_point close_start = Clock::now();
  const int close_status = Call(admin, "POST", absl::StrCat("/v1/", name, ":close"), staff, "{}", &body);
  const double close_ms = std::chrono::duration<double, std::milli>(Clock::now() - close_start).count();
  const json result = close_status == 200 ? json::parse(body) : json::object();
  std::printf(
      "%s\n",
      json({{"sheets", jobs.size()},
            {"sheets_received", received},
            {"errors", errors.load()},
            {"connections", o.connections},
            {"burst_s", burst_s},
            {"sheets_per_s", jobs.size() / burst_s},
            {"p50_ms", Percentile(all, 0.50)},
            {"p99_ms", Percentile(all, 0.99)},
            {"max_ms", Percentile(all, 1.0)},
            {"close_status", close_status},
            {"close_ms", close_ms},
            {"subjects_announced", result.contains("subjects") ? result["subjects"].size() : 0},
            {"first_subject_final", result.contains("subjects") ? result["subjects"][0].value("finalScore", "") : ""}})
          .dump()
          .c_str());
  return errors.load() == 0 && received == static_cast<int>(jobs.size()) && close_status == 200 ? 0 : 1;
}
