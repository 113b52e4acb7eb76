// suggestions_similar: loads a year-and-more of suggestions (default 200,000 synthetic Chinese texts plus
// the hand-labelled near-duplicate pairs of tests/unit/suggestions/near_duplicates.tsv) straight into the
// suggestions schema, with their MinHash/LSH band keys computed by the service's own MinHasher, then asks
// the running service for similar items over gRPC (GET /v1/suggestions/{id}/similar's RPC), one call at a
// time, and prints latency percentiles and the recall and precision of the labelled pairs as JSON.
//
// Usage: suggestions_similar --dsn URI --target host:port --token JWT --pairs near_duplicates.tsv
//        [--corpus 200000] [--queries 1000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
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
  std::string dsn, target, token, pairs;
  int corpus = 200000;
  int queries = 1000;
};

// Synthetic suggestions from pools of places, problems, details and requests, as deputies write them:
// many share a topic or a place, and some combinations repeat, as real years do.
class Corpus {
 public:
  explicit Corpus(uint64_t seed) : rng_(seed) {}

  std::pair<std::string, std::string> Next() {
    const std::string place = Pick(kAreas) + Pick(kSites);
    const int topic = Index(std::size(kProblems));
    const std::string title = absl::StrCat("关于", place, kShort[topic], "的建议");
    const std::string body = absl::StrCat(place, kProblems[topic], "，", Pick(kDetails), "，", Pick(kDetails),
                                          "。建议", Pick(kDepartments), Pick(kRequests), "，", Pick(kClosings), "。");
    return {title, body};
  }

 private:
  template <std::size_t N>
  std::string Pick(const char* const (&pool)[N]) {
    return pool[Index(N)];
  }
  int Index(std::size_t n) { return static_cast<int>(rng_() % n); }

  static constexpr const char* kAreas[] = {"城东", "城西", "城南", "城北", "河口", "青山", "石桥", "梅溪", "新华",
                                           "光明", "东风", "红旗", "龙泉", "白鹤", "金沙", "桃源", "柳林", "松岗",
                                           "长岭", "双河", "枫林", "南湖", "北关", "西坝", "东岳"};
  static constexpr const char* kSites[] = {"小学", "中学", "小区", "社区", "村", "农贸市场", "卫生院", "公园",
                                           "大道", "工业园", "汽车站", "老街"};
  static constexpr const char* kShort[] = {"交通安全", "供水保障", "停车难", "噪音扰民", "垃圾清运", "路面破损",
                                           "照明不足", "排水内涝", "公交出行", "医疗服务", "入学难", "养老服务",
                                           "河道污染", "占道经营", "电动车充电", "网络覆盖", "文体设施", "食品安全",
                                           "农田水利", "物业管理"};
  static constexpr const char* kProblems[] = {
      "路口车流量大，行人过马路存在安全隐患", "供水管网老化，经常停水漏水", "停车位严重不足，车辆乱停乱放",
      "夜间烧烤摊噪音大，影响居民休息", "垃圾清运不及时，气味难闻", "路面多处坑洼破损，雨天积水",
      "路灯损坏较多，夜间照明不足", "排水管网老旧，雨季内涝严重", "公交线路少、班次稀，群众出行不便",
      "医护人员不足，群众看病排队时间长", "学位紧张，适龄儿童入学困难", "老年人多，缺少日间照料场所",
      "上游养殖场排污，河水发黑发臭", "商贩占道经营，堵塞交通", "居民在楼道私拉电线给电动车充电",
      "移动网络信号差，宽带未覆盖", "缺少健身场地和文体设施", "周边小卖部销售三无食品",
      "农田灌溉渠道年久失修", "物业服务不到位，群众意见大"};
  static constexpr const char* kDetails[] = {
      "群众反映强烈", "已多次向有关方面反映", "节假日尤为突出", "涉及上千户居民", "早晚高峰情况更严重",
      "老人和孩子受影响最大", "存在较大安全隐患", "影响营商环境", "周边居民联名反映", "雨季问题更加明显",
      "近年来情况逐渐加重", "影响城市形象"};
  static constexpr const char* kDepartments[] = {"交通运输局", "水务局", "住建局", "城管局", "卫健局", "教育局",
                                                 "民政局", "生态环境局", "市场监管局", "农业农村局", "自然资源局",
                                                 "公安局"};
  static constexpr const char* kRequests[] = {
      "尽快组织实地调研并制定整改方案", "加大投入，列入年度民生实事", "增设相关设施", "开展专项整治行动",
      "建立长效管理机制", "加强日常巡查和执法", "统筹规划，分步实施", "协调相关单位共同解决"};
  static constexpr const char* kClosings[] = {"切实解决群众急难愁盼问题", "回应群众关切", "提升群众获得感",
                                              "保障群众生命财产安全", "改善人居环境", "方便群众生产生活"};

  std::mt19937_64 rng_;
};

struct Pair {
  bool duplicate;
  std::string a, b;
};

std::vector<Pair> LoadPairs(const std::string& path) {
  std::ifstream in(path);
  std::vector<Pair> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> p = absl::StrSplit(line, '\t');
    if (p.size() == 3) out.push_back({p[0] == "dup", p[1], p[2]});
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
    if (k == "--dsn") args.dsn = v;
    else if (k == "--target") args.target = v;
    else if (k == "--token") args.token = v;
    else if (k == "--pairs") args.pairs = v;
    else if (k == "--corpus") args.corpus = std::stoi(v);
    else if (k == "--queries") args.queries = std::stoi(v);
  }
  const std::vector<Pair> pairs = LoadPairs(args.pairs);
  if (args.dsn.empty() || args.target.empty() || pairs.empty()) {
    std::fprintf(stderr, "usage: suggestions_similar --dsn URI --target host:port --token JWT --pairs FILE\n");
    return 2;
  }
  const minyi::suggestions::MinHasher hasher;
  pqxx::connection conn(args.dsn);
  int64_t first_id = 0;
  std::vector<std::pair<int64_t, int64_t>> labelled;  // (a id, b id) per pair
  const auto load_start = std::chrono::steady_clock::now();
  {
    pqxx::work tx(conn);
    first_id = tx.exec1("SELECT coalesce(max(id), 0) + 1 FROM suggestions.suggestions")[0].as<int64_t>();
    pqxx::stream_to items(tx, "suggestions.suggestions",
                            std::vector<std::string>{"id", "kind", "title", "body", "state", "created_by",
                                                     "submit_time", "submitted_on"});
    std::vector<std::pair<int64_t, std::string>> texts;
    Corpus corpus(20261123);
    int64_t id = first_id;
    auto add = [&](const std::string& title, const std::string& body) {
      items << std::make_tuple(id, "SUGGESTION_KIND_DEPUTY", title, body, "SUGGESTION_STATE_SUBMITTED", "bench",
                               "2026-03-01 09:00:00+08", "2026-03-01");
      texts.emplace_back(id, absl::StrCat(title, " ", body));
      return id++;
    };
    for (const Pair& p : pairs) {
      // Labelled texts carry their whole content in the body, as the tests' pairs are whole texts.
      const int64_t a = add("", p.a);
      const int64_t b = add("", p.b);
      labelled.emplace_back(a, b);
    }
    for (int i = 0; i < args.corpus; ++i) {
      auto [title, body] = corpus.Next();
      add(title, body);
    }
    items.complete();
    pqxx::stream_to bands(tx, "suggestions.dedup_bands", std::vector<std::string>{"band_key", "suggestion_id"});
    for (const auto& [item, text] : texts) {
      std::vector<int64_t> keys = hasher.BandKeysOf(text);
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
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

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
  int tp = 0, fn = 0, fp = 0, tn = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    v1::FindSimilarResponse out;
    similar(labelled[i].first, &out);
    const std::string b = absl::StrCat("suggestions/", labelled[i].second);
    const bool found = std::any_of(out.items().begin(), out.items().end(),
                                   [&](const v1::SimilarItem& item) { return item.name() == b; });
    if (pairs[i].duplicate) {
      found ? ++tp : ++fn;
    } else {
      found ? ++fp : ++tn;
    }
  }
  std::mt19937_64 rng(7);
  int64_t returned = 0;
  for (int q = 0; q < args.queries; ++q) {
    v1::FindSimilarResponse out;
    similar(first_id + static_cast<int64_t>(rng() % static_cast<uint64_t>(args.corpus + 2 * pairs.size())), &out);
    returned += out.items_size();
  }
  std::printf(
      "{\"corpus\": %d, \"load_seconds\": %.1f, \"queries\": %zu, \"p50_ms\": %.2f, \"p99_ms\": %.2f, "
      "\"max_ms\": %.2f, \"mean_items\": %.2f, \"recall\": %.3f, \"precision\": %.3f, \"tp\": %d, \"fn\": %d, "
      "\"fp\": %d, \"tn\": %d}\n",
      args.corpus + static_cast<int>(2 * pairs.size()), load_s, latencies_ms.size(), Percentile(latencies_ms, 0.5),
      Percentile(latencies_ms, 0.99), Percentile(latencies_ms, 1.0),
      static_cast<double>(returned) / std::max(1, args.queries), static_cast<double>(tp) / std::max(1, tp + fn),
      tp + fp == 0 ? 0.0 : static_cast<double>(tp) / (tp + fp), tp, fn, fp, tn);
  return 0;
}
