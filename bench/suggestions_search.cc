// suggestions_search: loads a corpus of suggestions and citizens' opinions of realistic length (default
// 200,000) straight into the suggestions schema, their search words computed by the service's own
// SearchVectorsOf, then asks the running service to search them over gRPC (ListSuggestions with q, one
// call at a time) for common and rare words of one, two and four characters, without a filter and with
// a department or kind filter, and prints each case's matches and latency percentiles as JSON lines.
//
// Usage: suggestions_search --dsn URI --target host:port --token JWT [--corpus 200000] [--queries 200]
// (--queries 0 only loads, --corpus 0 only queries: a load can outlast an access token.)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/text.h"
#include "grpcpp/grpcpp.h"
#include "minyi/suggestions/v1/suggestions.grpc.pb.h"
#include "pqxx/pqxx"
#include "pqxx/stream_to"
#include "suggestions/search.h"

namespace {

namespace v1 = ::minyi::suggestions::v1;

struct Args {
  std::string dsn, target, token;
  int corpus;
  int queries;
};

// The characters of `s`, each as its UTF-8 bytes.
std::vector<std::string> Characters(const std::string& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    minyi::NextCodePoint(s, i);
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

// Text with the shape of a year's items: most words two or three characters drawn from the 600 commonest
// characters (so a common character such as 水 is in about half of the longer items, as in real text),
// and one of twelve topics' real phrases every few words (停车 and 电梯 belong to two of them). Deputies'
// suggestions run 300-800 characters, citizens' opinions 60-200. Two rare words are planted in one item
// in 2,000 each: 楠 (a village name) and 渡船.
class Corpus {
 public:
  explicit Corpus(uint64_t seed) : rng_(seed), chars_(Characters(kChars)) {}

  struct Item {
    std::string title, body;
  };
  Item Next(bool opinion) {
    const std::vector<std::string>& topic = kTopics[rng_() % std::size(kTopics)];
    const int body_chars = opinion ? 60 + static_cast<int>(rng_() % 141) : 300 + static_cast<int>(rng_() % 501);
    std::string body;
    int n = 0;
    while (n < body_chars) {
      std::string w = rng_() % 5 == 0 ? topic[rng_() % topic.size()] : Word();
      n += static_cast<int>(Characters(w).size());
      body += w;
      if (rng_() % 9 == 0) {
        body += rng_() % 3 == 0 ? "。" : "，";
      }
    }
    if (rng_() % 1000 == 0) {
      body += rng_() % 2 == 0 ? "楠溪村" : "渡船";
    }
    body += "。";
    std::string title = opinion ? "" : "关于";
    title += topic[rng_() % topic.size()];
    title += Word();
    title += topic[rng_() % topic.size()];
    title += opinion ? "的问题" : "的建议";
    return {title, body};
  }

 private:
  std::string Word() {
    std::string w;
    const int len = 2 + static_cast<int>(rng_() % 3 == 0);
    for (int k = 0; k < len; ++k) w += chars_[rng_() % chars_.size()];
    return w;
  }

  // Characters common in the county's documents and letters, commonest first.
  static constexpr const char* kChars =
      "的一是在了不和有大这主中人上为们地个用工时要动国产以我到他会作来分生对于学下级就年阶义发成部民可出能方进同"
      "行面说种过命度革而多子后自社加小机也经力线本电高量长党得实家定深法表着水理化争现所二起政三好十战无农使性前等"
      "反体合斗路图把结第里正新开论之物从当两些还天资事队批点育重其思与间内去因件日利相由压员气业代全组数果期导平各"
      "基或月毛然如应形想制心样干都向变关问比展那它最及外没看治提五解系林者米群头意只明四道马认次文通但条较克又公孔"
      "领军流入接席位情运器并飞原油放立题质指建区验活众很教决特此常石强极土少已根共直团统式转别造切九你取西持总料连"
      "任志观调七么山程百报更见必真保热委手改管处己将修支识病象几先老光专什六型具示复安带每东增则完风回南广劳轮科北"
      "打积车计给节做务被整联步类集号列温装即毫知轴研单色坚据速防史拉世设达尔场织历花受求传口断况采精金界品判参层止"
      "边清至万确究书术状厂须离再目海交权且儿青才证低越际八试规斯近注办布门铁需走议县兵固除般引齿千胜细影济白格效置"
      "推空配刀叶率述今选养德话查差半敌始片施响收华觉备名红续均药标记难存测士身紧液派准斤角降维板许破述技消底床田势"
      "端感往神便贺村构照容非搞亚磨族火段算适讲按值美态黄易彪服早班麦削信排台声该击素张密害侯草何树肥继右属市严径螺"
      "检左页抗苏显苦英快称坏移约巴材省黑武培著河帝仅针怎植京助升王眼她抓含苗副杂普谈围食射源例致酸旧却充足短划剂宣"
      "环落首尺波承粉践府鱼随考刻靠够满夫失包住促枝局菌杆周护岩师举曲春元超负砂封换太模贫减阳扬江析亩木言球朝医校古"
      "呢稻宋听唯输滑站另卫字鼓刚写刘微略范供阿块某功套友限项余倒卷创律雨让骨远帮初皮播优占死毒圈伟季训控激找叫云互"
      "跟裂粮粒母练塞钢顶策双留误础吸阻故寸盾晚丝女散焊功株亲院冷彻弹错散商视艺灭版烈零室轻血倍缺厘泵察绝富城冲喷壤"
      "简否柱李望盘磁雄似困巩益洲脱投送奴侧润盖挥距触星松送获兴独官混纪依未突架宽冬章湿偏纹吃执阀矿寨责熟稳夺硬价努"
      "翻奇甲预职评读背协损棉侵灰虽矛厚罗泥辟告卵箱掌氧恩爱停曾溶营终纲孟钱待尽俄缩沙退陈讨奋械载胞幼哪剥迫旋征槽倒"
      "握担仍呀鲜吧卡粗介钻逐弱脚怕盐末阴丰雾冠丙街莱贝辐肠付吉渗瑞惊顿挤秒悬姆烂森糖圣凹陶词迟蚕亿矩";
  static inline const std::vector<std::string> kTopics[] = {
      {"停车位", "乱停车", "停车场", "交通拥堵", "红绿灯", "公交线路", "斑马线"},
      {"加装电梯", "电梯维保", "老旧小区", "物业管理", "楼道照明", "小区绿化"},
      {"供水管网", "自来水", "排水管道", "积水", "污水处理", "水质"},
      {"垃圾分类", "河道治理", "空气质量", "噪音扰民", "绿化带"},
      {"学校周边", "校车", "课后服务", "幼儿园", "教师编制"},
      {"看病难", "医保报销", "社区医院", "家庭医生", "药品价格"},
      {"养老服务", "日间照料", "老年食堂", "高龄补贴"},
      {"农村道路", "桥梁维修", "农田水利", "乡村振兴", "村级公路"},
      {"就业培训", "农民工工资", "创业补贴", "技能培训"},
      {"菜市场", "食品安全", "占道经营", "价格监管"},
      {"路灯", "公共厕所", "健身器材", "文化广场"},
      {"安全隐患", "消防通道", "燃气管道", "防汛"},
  };

  std::mt19937_64 rng_;
  std::vector<std::string> chars_;
};

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

constexpr int kDepartments = 30;
std::string Department(int i) { return absl::StrCat("county-dept-", i); }

// Builds the index definitions `definitions` on two connections at once (the search_text one, by far the
// largest, alone on one), each with room to sort in memory.
void BuildIndexes(const std::string& dsn, std::vector<std::string> definitions) {
  std::stable_partition(definitions.begin(), definitions.end(),
                        [](const std::string& d) { return d.find("(search_text)") != std::string::npos; });
  auto build = [&](std::size_t first, std::size_t step) {
    pqxx::connection conn(dsn);
    pqxx::nontransaction tx(conn);
    tx.exec0("SET maintenance_work_mem = '1GB'");
    for (std::size_t i = first; i < definitions.size(); i += step) {
      tx.exec0(definitions[i]);
    }
  };
  std::thread largest([&] { build(0, definitions.size()); });
  build(1, 1);
  largest.join();
}

void Load(const std::string& dsn, int corpus) {
  pqxx::connection conn(dsn);
  pqxx::work tx(conn);
  // Indexes are built far faster at once than row by row (GIN above all): every index but the primary key
  // is dropped for the load and made again from its own definition.
  std::vector<std::string> definitions;
  for (const pqxx::row& r :
       tx.exec("SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
               "WHERE x.indrelid = 'suggestions.suggestions'::regclass "
               "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)")) {
    definitions.push_back(r[1].as<std::string>());
    tx.exec0(absl::StrCat("DROP INDEX suggestions.", tx.quote_name(r[0].as<std::string>())));
  }
  const int64_t first_id = tx.exec1("SELECT coalesce(max(id), 0) + 1 FROM suggestions.suggestions")[0].as<int64_t>();
  pqxx::stream_to items(
      tx, "suggestions.suggestions",
      std::vector<std::string>{"id", "kind", "title", "body", "state", "citizen_account", "lead_department",
                               "created_by", "submit_time", "submitted_on", "search_title", "search_text"});
  Corpus texts(20261207);
  std::mt19937_64 rng(11);
  for (int i = 0; i < corpus; ++i) {
    const bool opinion = rng() % 3 == 0;
    const Corpus::Item item = texts.Next(opinion);
    const minyi::suggestions::SearchVectors v = minyi::suggestions::SearchVectorsOf(item.title, item.body);
    items << std::make_tuple(first_id + i, opinion ? "SUGGESTION_KIND_CITIZEN_OPINION" : "SUGGESTION_KIND_DEPUTY",
                             item.title, item.body, "SUGGESTION_STATE_ASSIGNED",
                             opinion ? absl::StrCat("accounts/", 100000 + rng() % 50000) : std::string(),
                             Department(static_cast<int>(rng() % kDepartments)), "bench", "2026-03-01 09:00:00+08",
                             "2026-03-01", v.title, v.text);
  }
  items.complete();
  tx.exec("SELECT setval('suggestions.suggestions_id_seq', (SELECT max(id) FROM suggestions.suggestions))");
  tx.commit();
  const auto copied = std::chrono::steady_clock::now();
  BuildIndexes(dsn, std::move(definitions));
  const auto indexed = std::chrono::steady_clock::now();
  // As autovacuum would leave a settled table: statistics, and the visibility map that lets a count over
  // an index skip the rows themselves.
  pqxx::nontransaction(conn).exec0("VACUUM (ANALYZE) suggestions.suggestions");
  std::printf("{\"index_seconds\": %.1f, \"vacuum_seconds\": %.1f}\n",
              std::chrono::duration<double>(indexed - copied).count(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - indexed).count());
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    flags[argv[i]] = argv[i + 1];
  }
  const Args args{.dsn = flags["--dsn"],
                  .target = flags["--target"],
                  .token = flags["--token"],
                  .corpus = std::stoi(flags.count("--corpus") ? flags["--corpus"] : "200000"),
                  .queries = std::stoi(flags.count("--queries") ? flags["--queries"] : "200")};
  if (args.dsn.empty() || (args.queries > 0 && args.target.empty())) {
    std::fprintf(stderr, "usage: suggestions_search --dsn URI --target host:port --token JWT\n");
    return 2;
  }
  if (args.corpus > 0) {
    const auto load_start = std::chrono::steady_clock::now();
    Load(args.dsn, args.corpus);
    const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    pqxx::connection conn(args.dsn);
    pqxx::nontransaction tx(conn);
    std::printf("{\"corpus\": %d, \"load_seconds\": %.1f, \"table_mb\": %.0f, \"search_indexes_mb\": %.0f}\n",
                args.corpus, load_s,
                tx.exec1("SELECT pg_total_relation_size('suggestions.suggestions') / 1048576.0")[0].as<double>(),
                tx.exec1("SELECT (pg_relation_size('suggestions.suggestions_search_title') + "
                         "pg_relation_size('suggestions.suggestions_search_text')) / 1048576.0")[0]
                    .as<double>());
    std::fflush(stdout);
  }
  if (args.queries == 0) {
    return 0;
  }
  pqxx::connection conn(args.dsn);

  auto stub = v1::Suggestions::NewStub(grpc::CreateChannel(args.target, grpc::InsecureChannelCredentials()));
  struct Case {
    const char* word;
    const char* what;
  };
  const Case cases[] = {{"水", "common 1-char"}, {"楠", "rare 1-char"},       {"停车", "common 2-char"},
                        {"渡船", "rare 2-char"}, {"加装电梯", "4-char word"}, {"停车 水", "two words"}};
  const char* filters[] = {"none", "department", "kind"};
  std::mt19937_64 rng(5);
  for (const Case& c : cases) {
    const int64_t matches =
        pqxx::nontransaction(conn)
            .exec_params1("SELECT count(*) FROM suggestions.suggestions WHERE search_text @@ $1::tsquery",
                          minyi::suggestions::SearchQuery(c.word))[0]
            .as<int64_t>();
    for (const char* filter : filters) {
      std::vector<double> ms;
      int64_t returned = 0;
      for (int q = 0; q < args.queries; ++q) {
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", "Bearer " + args.token);
        v1::ListSuggestionsRequest req;
        req.set_q(c.word);
        req.set_page_size(20);
        if (std::string(filter) == "department") {
          req.set_department(Department(static_cast<int>(rng() % kDepartments)));
        } else if (std::string(filter) == "kind") {
          req.set_kind(v1::SUGGESTION_KIND_CITIZEN_OPINION);
        }
        v1::ListSuggestionsResponse out;
        const auto t0 = std::chrono::steady_clock::now();
        grpc::Status st = stub->ListSuggestions(&ctx, req, &out);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        if (!st.ok()) {
          std::fprintf(stderr, "ListSuggestions: %s\n", st.error_message().c_str());
          return 1;
        }
        returned += out.suggestions_size();
      }
      std::printf(
          "{\"q\": \"%s\", \"case\": \"%s\", \"filter\": \"%s\", \"matches\": %ld, \"mean_page\": %.1f, "
          "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"max_ms\": %.2f}\n",
          c.word, c.what, filter, static_cast<long>(matches), static_cast<double>(returned) / args.queries,
          Percentile(ms, 0.5), Percentile(ms, 0.99), Percentile(ms, 1.0));
      std::fflush(stdout);
    }
  }
  return 0;
}
