// suggestions_similar: loads a year-and-more of suggestions (default 200,000 synthetic Chinese texts plus
// the hand-labelled near-duplicate pairs of tests/unit/suggestions/near_duplicates.tsv and the held-out
// titled pairs of tests/unit/suggestions/similar/heldout.tsv) straight into the suggestions schema, with
// their MinHash/LSH band keys computed by the service's own MinHasher, then asks the running service for
// similar items over gRPC (GET /v1/suggestions/{id}/similar's RPC), one call at a time, and prints latency
// percentiles and the recall and precision of each labelled set as JSON.
//
// Usage: suggestions_similar --dsn URI --target host:port --token JWT --pairs near_duplicates.tsv
//        --titled-pairs heldout.tsv [--corpus 200000] [--queries 1000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "grpcpp/grpcpp.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "pqxx/pqxx"
#include "pqxx/stream_to"
#include "suggestions/dedup.h"

namespace {

namespace v1 = ::minyi::suggestions::v1;

struct Args {
  std::string dsn, target, token, pairs, titled_pairs;
  int corpus = 200000;
  int queries = 1000;
};

// Synthetic suggestions with the statistics of a real year rather than its words: a vocabulary of
// two- and three-character words over common characters, 60 topics (each a small vocabulary its items
// draw half their words from, as 交通 or 教育 items share terms), and one item in twenty a rewrite of an
// earlier one (a third of its words replaced), as several deputies raise the same matter.
class Corpus {
 public:
  explicit Corpus(uint64_t seed) : rng_(seed) {
    const std::vector<std::string> chars = CodePoints(kChars);
    for (int i = 0; i < 4000; ++i) {
      std::string word;
      const int len = 2 + static_cast<int>(rng_() % 4 == 0);
      for (int k = 0; k < len; ++k) {
        word += chars[rng_() % chars.size()];
      }
      vocabulary_.push_back(word);
    }
    for (int t = 0; t < 60; ++t) {
      std::vector<int> words;
      for (int i = 0; i < 25; ++i) {
        words.push_back(static_cast<int>(rng_() % vocabulary_.size()));
      }
      topics_.push_back(words);
    }
  }

  std::pair<std::string, std::string> Next() {
    std::vector<int> words;
    if (!made_.empty() && rng_() % 20 == 0) {
      words = made_[rng_() % made_.size()];
      for (int& w : words) {
        if (rng_() % 3 == 0) {
          w = static_cast<int>(rng_() % vocabulary_.size());
        }
      }
    } else {
      const std::vector<int>& topic = topics_[rng_() % topics_.size()];
      const int n = 30 + static_cast<int>(rng_() % 20);
      for (int i = 0; i < n; ++i) {
        words.push_back(rng_() % 2 == 0 ? topic[rng_() % topic.size()] : static_cast<int>(rng_() % vocabulary_.size()));
      }
    }
    if (made_.size() < 20000) {
      made_.push_back(words);
    } else {
      made_[rng_() % made_.size()] = words;
    }
    std::string title = "关于";
    for (int i = 0; i < 4; ++i) title += vocabulary_[words[i]];
    title += "的建议";
    std::string body;
    for (std::size_t i = 0; i < words.size(); ++i) {
      body += vocabulary_[words[i]];
      if (i % 7 == 6) body += "，";
    }
    body += "。";
    return {title, body};
  }

 private:
  static std::vector<std::string> CodePoints(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      const std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
      out.push_back(s.substr(i, len));
      i += len;
    }
    return out;
  }

  static constexpr const char* kChars =
      "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
      "多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合"
      "还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只"
      "没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边"
      "流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造"
      "百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例"
      "真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且"
      "究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何"
      "除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满"
      "县局照参红细引听该铁价严龙飞";

  std::mt19937_64 rng_;
  std::vector<std::string> vocabulary_;
  std::vector<std::vector<int>> topics_;
  std::vector<std::vector<int>> made_;
};

struct Pair {
  bool duplicate;
  std::string title_a, body_a, title_b, body_b;
};

// near_duplicates.tsv (label, text, text: no titles) or a titled set (label, topic, title, body, title,
// body, ...).
std::vector<Pair> LoadPairs(const std::string& path, bool titled) {
  std::ifstream in(path);
  std::vector<Pair> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> p = absl::StrSplit(line, '\t');
    if (titled && p.size() >= 6) out.push_back({p[0] == "dup", p[2], p[3], p[4], p[5]});
    if (!titled && p.size() >= 3) out.push_back({p[0] == "dup", "", p[1], "", p[2]});
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--dsn")
      args.dsn = v;
    else if (k == "--target")
      args.target = v;
    else if (k == "--token")
      args.token = v;
    else if (k == "--pairs")
      args.pairs = v;
    else if (k == "--titled-pairs")
      args.titled_pairs = v;
    else if (k == "--corpus")
      args.corpus = std::stoi(v);
    else if (k == "--queries")
      args.queries = std::stoi(v);
  }
  const std::vector<std::vector<Pair>> sets = {LoadPairs(args.pairs, false), LoadPairs(args.titled_pairs, true)};
  if (args.dsn.empty() || args.target.empty() || sets[0].empty() || sets[1].empty()) {
    std::fprintf(stderr,
                 "usage: suggestions_similar --dsn URI --target host:port --token JWT --pairs FILE "
                 "--titled-pairs FILE\n");
    return 2;
  }
  const std::size_t labelled_texts = 2 * (sets[0].size() + sets[1].size());
  const minyi::suggestions::MinHasher hasher;
  pqxx::connection conn(args.dsn);
  int64_t first_id = 0;
  std::vector<std::vector<std::pair<int64_t, int64_t>>> labelled(sets.size());  // (a id, b id) per pair
  const auto load_start = std::chrono::steady_clock::now();
  {
    pqxx::work tx(conn);
    first_id = tx.exec1("SELECT coalesce(max(id), 0) + 1 FROM suggestions.suggestions")[0].as<int64_t>();
    pqxx::stream_to items(
        tx, "suggestions.suggestions",
        std::vector<std::string>{"id", "kind", "title", "body", "state", "created_by", "submit_time", "submitted_on"});
    std::vector<std::tuple<int64_t, std::string, std::string>> texts;
    Corpus corpus(20261123);
    int64_t id = first_id;
    auto add = [&](const std::string& title, const std::string& body) {
      items << std::make_tuple(id, "SUGGESTION_KIND_DEPUTY", title, body, "SUGGESTION_STATE_SUBMITTED", "bench",
                               "2026-03-01 09:00:00+08", "2026-03-01");
      texts.emplace_back(id, title, body);
      return id++;
    };
    for (std::size_t s = 0; s < sets.size(); ++s) {
      for (const Pair& p : sets[s]) {
        const int64_t a = add(p.title_a, p.body_a);
        const int64_t b = add(p.title_b, p.body_b);
        labelled[s].emplace_back(a, b);
      }
    }
    for (int i = 0; i < args.corpus; ++i) {
      auto [title, body] = corpus.Next();
      add(title, body);
    }
    items.complete();
    pqxx::stream_to bands(tx, "suggestions.dedup_bands", std::vector<std::string>{"band_key", "suggestion_id"});
    for (const auto& [item, title, body] : texts) {
      std::vector<int64_t> keys = hasher.BandKeysOf({title, body});
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      for (int64_t key : keys) {
        bands << std::make_tuple(key, item);
      }
    }
    bands.complete();
    tx.exec("SELECT setval('suggestions.suggestions_id_seq', (SELECT max(id) FROM suggestions.suggestions))");
    tx.commit();
  }
  {
    pqxx::nontransaction tx(conn);
    tx.exec("ANALYZE suggestions.suggestions");
    tx.exec("ANALYZE suggestions.dedup_bands");
  }
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  // The service's search-indexer gives the loaded items their search words (migration 003) a batch at a
  // time; lookups measured while it runs would measure it too, so they wait until it is done.
  const auto settle_start = std::chrono::steady_clock::now();
  for (;;) {
    pqxx::nontransaction tx(conn);
    if (tx.exec1("SELECT count(*) FROM suggestions.suggestions WHERE search_text IS NULL")[0].as<int64_t>() == 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  const double settle_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - settle_start).count();

  auto stub = v1::Suggestions::NewStub(grpc::CreateChannel(args.target, grpc::InsecureChannelCredentials()));
  std::vector<double> latencies_ms;
  auto similar = [&](int64_t id, v1::FindSimilarResponse* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + args.token);
    v1::FindSimilarRequest req;
    req.set_name(absl::StrCat("suggestions/", id));
    const auto t0 = std::chrono::steady_clock::now();
    grpc::Status st = stub->FindSimilar(&ctx, req, out);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!st.ok()) {
      std::fprintf(stderr, "FindSimilar: %s\n", st.error_message().c_str());
      std::exit(1);
    }
  };
  // Each labelled set: is a pair's second text among the first text's similar items?
  std::string quality;
  for (std::size_t s = 0; s < sets.size(); ++s) {
    int tp = 0, fn = 0, fp = 0, tn = 0;
    for (std::size_t i = 0; i < sets[s].size(); ++i) {
      v1::FindSimilarResponse out;
      similar(labelled[s][i].first, &out);
      const std::string b = absl::StrCat("suggestions/", labelled[s][i].second);
      const bool found = std::any_of(out.items().begin(), out.items().end(),
                                     [&](const v1::SimilarItem& item) { return item.name() == b; });
      if (sets[s][i].duplicate) {
        found ? ++tp : ++fn;
      } else {
        found ? ++fp : ++tn;
      }
    }
    absl::StrAppendFormat(&quality,
                          ", \"%s\": {\"recall\": %.3f, \"precision\": %.3f, \"tp\": %d, \"fn\": %d, \"fp\": %d, "
                          "\"tn\": %d}",
                          s == 0 ? "labelled" : "heldout", static_cast<double>(tp) / std::max(1, tp + fn),
                          tp + fp == 0 ? 0.0 : static_cast<double>(tp) / (tp + fp), tp, fn, fp, tn);
  }
  std::mt19937_64 rng(7);
  int64_t returned = 0;
  for (int q = 0; q < args.queries; ++q) {
    v1::FindSimilarResponse out;
    similar(first_id + static_cast<int64_t>(rng() % static_cast<uint64_t>(args.corpus + labelled_texts)), &out);
    returned += out.items_size();
  }
  std::printf(
      "{\"corpus\": %d, \"load_seconds\": %.1f, \"search_indexing_seconds\": %.1f, \"queries\": %zu, \"p50_ms\": %.2f, "
      "\"p99_ms\": %.2f, "
      "\"max_ms\": %.2f, \"mean_items\": %.2f%s}\n",
      args.corpus + static_cast<int>(labelled_texts), load_s, settle_s, latencies_ms.size(),
      Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.99), Percentile(latencies_ms, 1.0),
      static_cast<double>(returned) / std::max(1, args.queries), quality.c_str());
  return 0;
}
