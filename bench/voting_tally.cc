// voting_tally: the closing path of a 20,000-ballot, 30-candidate vote without SQL — opening every sealed
// box, re-reading each ballot and tallying — and the pure tally alone. Prints JSON with milliseconds.
#include <chrono>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "voting/seal.h"
#include "voting/tally.h"

int main(int argc, char** argv) {
  const int ballots = argc > 1 ? std::stoi(argv[1]) : 20000;
  const int candidates = argc > 2 ? std::stoi(argv[2]) : 30;
  minyi::voting::VoteRules rules;
  rules.form = minyi::voting::v1::BALLOT_FORM_APPROVAL;
  rules.slots = 10;
  rules.max_approvals = 10;
  for (int i = 1; i <= candidates; ++i) {
    rules.candidates.push_back("projects/" + std::to_string(i));
  }
  rules.electorate = ballots;
  rules.checked_in = ballots;
  auto sealer = minyi::voting::BallotSealer::FromHex(std::string(64, 'a'));
  const std::size_t longest = minyi::voting::LongestEntrySize(rules);
  std::mt19937 rng(42);
  std::vector<std::string> boxes;
  for (int b = 0; b < ballots; ++b) {
    minyi::voting::v1::BulletinEntry entry;
    std::vector<int> order(candidates);
    for (int i = 0; i < candidates; ++i) {
      order[i] = i;
    }
    std::shuffle(order.begin(), order.end(), rng);
    for (int i = 0; i < rules.max_approvals; ++i) {
      entry.mutable_content()->add_approvals(rules.candidates[order[i]]);
    }
    entry.set_tracker(minyi::voting::Tracker("votes/1", std::to_string(b), "bench-nonce-0123456789ab"));
    boxes.push_back(*sealer->Seal("votes/1", entry.SerializeAsString(), longest));
  }
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<minyi::voting::Marks> marks;
  marks.reserve(boxes.size());
  for (const std::string& box : boxes) {
    minyi::voting::v1::BulletinEntry entry;
    entry.ParseFromString(*sealer->Open("votes/1", box, longest));
    marks.push_back(*minyi::voting::ReadBallot(rules, entry.content()));
  }
  const auto opened = Clock::now();
  const minyi::voting::v1::VoteResult result = minyi::voting::Tally(rules, marks, "votes/1");
  const auto done = Clock::now();
  auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::cout << "{\"ballots\":" << ballots << ",\"candidates\":" << candidates
            << ",\"open_and_read_ms\":" << ms(opened - start) << ",\"tally_ms\":" << ms(done - opened)
            << ",\"total_ms\":" << ms(done - start) << ",\"counted\":" << result.ballots_cast() << "}\n";
  return result.ballots_cast() == ballots ? 0 : 1;
}
