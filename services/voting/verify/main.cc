// minyi-verify-bulletin: recounts a vote from its public bulletin (GET /v1/votes/{id}/bulletin) with the
// same tally the service uses, and checks the published result (GET /v1/votes/{id}/result) against it.
//
//   minyi-verify-bulletin BULLETIN.json [RESULT.json] [--tracker HEX]...
//
// Prints the recount as JSON. Exit 0 when every ballot is valid, trackers are distinct, each --tracker is
// on the bulletin and the result (if given) matches; 1 when a check fails; 2 on unreadable input.
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"
#include "minyi/voting/v1/voting.pb.h"
#include "voting/tally.h"

namespace {

using ::minyi::voting::v1::Bulletin;
using ::minyi::voting::v1::VoteResult;

bool ReadJson(const std::string& path, google::protobuf::Message* out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto st = google::protobuf::util::JsonStringToMessage(text.str(), out, options); !st.ok()) {
    std::cerr << path << ": " << st.ToString() << "\n";
    return false;
  }
  return true;
}

// The published result must say what the recount says, candidate by candidate.
std::vector<std::string> Differences(const VoteResult& recount, const VoteResult& published) {
  std::vector<std::string> out;
  auto check = [&](bool same, const std::string& what) {
    if (!same) {
      out.push_back(what);
    }
  };
  check(recount.ballots_cast() == published.ballots_cast(), "ballots_cast");
  check(recount.electorate() == published.electorate(), "electorate");
  check(recount.quorum_met() == published.quorum_met(), "quorum_met");
  check(recount.runoff_needed() == published.runoff_needed(), "runoff_needed");
  check(recount.runoff_slots() == published.runoff_slots(), "runoff_slots");
  check(recount.candidates_size() == published.candidates_size(), "number of candidates");
  for (int i = 0; i < recount.candidates_size() && i < published.candidates_size(); ++i) {
    const auto& a = recount.candidates(i);
    const auto& b = published.candidates(i);
    const std::string who = a.candidate() + " ";
    check(a.candidate() == b.candidate(), who + "name");
    check(a.votes_for() == b.votes_for(), who + "votes_for");
    check(a.votes_against() == b.votes_against(), who + "votes_against");
    check(a.abstentions() == b.abstentions(), who + "abstentions");
    check(a.passed() == b.passed(), who + "passed");
    check(a.chosen() == b.chosen(), who + "chosen");
    check(a.tied() == b.tied(), who + "tied");
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::vector<std::string> trackers;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--tracker" && i + 1 < argc) {
      trackers.push_back(argv[++i]);
    } else if (!arg.empty() && arg[0] != '-') {
      files.push_back(arg);
    } else {
      files.clear();
      break;
    }
  }
  if (files.empty() || files.size() > 2) {
    std::cerr << "usage: minyi-verify-bulletin BULLETIN.json [RESULT.json] [--tracker HEX]...\n";
    return 2;
  }
  Bulletin bulletin;
  if (!ReadJson(files[0], &bulletin)) {
    return 2;
  }
  if (bulletin.vote().empty() || bulletin.candidates().empty()) {
    std::cerr << files[0] << " is not a bulletin (no vote or no candidates)\n";
    return 2;
  }
  const minyi::voting::VoteRules rules = minyi::voting::RulesOf(bulletin);
  bool ok = true;
  std::vector<minyi::voting::Marks> ballots;
  std::set<std::string> seen;
  for (int i = 0; i < bulletin.ballots_size(); ++i) {
    const auto& entry = bulletin.ballots(i);
    if (!seen.insert(entry.tracker()).second) {
      std::cerr << "tracker " << entry.tracker() << " appears twice\n";
      ok = false;
    }
    auto marks = minyi::voting::ReadBallot(rules, entry.content());
    if (!marks.ok()) {
      std::cerr << "ballot " << entry.tracker() << " is invalid: " << marks.status().message() << "\n";
      ok = false;
      continue;
    }
    ballots.push_back(*std::move(marks));
  }
  for (const std::string& t : trackers) {
    if (seen.count(t) == 0) {
      std::cerr << "tracker " << t << " is not on the bulletin\n";
      ok = false;
    }
  }
  const VoteResult recount = minyi::voting::Tally(rules, ballots, bulletin.vote());
  if (files.size() == 2) {
    VoteResult published;
    if (!ReadJson(files[1], &published)) {
      return 2;
    }
    if (published.vote() != bulletin.vote()) {
      std::cerr << files[1] << " is not the result of " << bulletin.vote() << "\n";
      return 2;
    }
    for (const std::string& d : Differences(recount, published)) {
      std::cerr << "published result differs from the recount: " << d << "\n";
      ok = false;
    }
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(recount, &json, options);
  std::cout << json << "\n";
  std::cerr << (ok ? "OK: the bulletin recounts to the published result\n" : "FAILED\n");
  return ok ? 0 : 1;
}
