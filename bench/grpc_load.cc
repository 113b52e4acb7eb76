// Closed-loop gRPC load: C connections (one channel each), one call in flight per connection, for a
// fixed time; prints requests per second and latency percentiles as one line of JSON.
//
//   grpc_load --target 127.0.0.1:7101 --name deputies/1 --token JWT --connections 16 --seconds 10

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "grpcpp/grpcpp.h"
#include "minyi/deputies/v1/deputies.grpc.pb.h"

namespace {

using Clock = std::chrono::steady_clock;
using minyi::deputies::v1::Deputies;

struct Options {
  std::string target = "127.0.0.1:7101";
  std::string name = "deputies/1";
  std::string token;
  int connections = 1;
  int seconds = 10;
};

// One connection's loop: issue a call, on completion record its latency and issue the next.
class Worker final {
 public:
  Worker(const Options& o, int index, Clock::time_point end) : options_(o), end_(end) {
    grpc::ChannelArguments args;
    args.SetInt("minyi.bench.connection", index);  // distinct args: a distinct TCP connection
    stub_ = Deputies::NewStub(grpc::CreateCustomChannel(o.target, grpc::InsecureChannelCredentials(), args));
    request_.set_name(o.name);
  }

  void Start() { Issue(); }

  void WaitDone() {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return done_; });
  }

  std::vector<double> latencies_ms;
  long errors = 0;

 private:
  void Issue() {
    if (Clock::now() >= end_) {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
      done_cv_.notify_all();
      return;
    }
    ctx_ = std::make_unique<grpc::ClientContext>();
    ctx_->AddMetadata("authorization", "Bearer " + options_.token);
    ctx_->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    start_ = Clock::now();
    stub_->async()->GetDeputy(ctx_.get(), &request_, &response_, [this](grpc::Status status) {
      if (status.ok()) {
        latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start_).count());
      } else {
        ++errors;
      }
      Issue();
    });
  }

  const Options& options_;
  Clock::time_point end_;
  std::unique_ptr<Deputies::Stub> stub_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  minyi::deputies::v1::GetDeputyRequest request_;
  minyi::deputies::v1::Deputy response_;
  Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) {
    return 0;
  }
  size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--target")
      o.target = value;
    else if (flag == "--name")
      o.name = value;
    else if (flag == "--token")
      o.token = value;
    else if (flag == "--connections")
      o.connections = std::stoi(value);
    else if (flag == "--seconds")
      o.seconds = std::stoi(value);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  const auto begin = Clock::now();
  const auto end = begin + std::chrono::seconds(o.seconds);
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < o.connections; ++i) {
    workers.push_back(std::make_unique<Worker>(o, i, end));
  }
  for (auto& w : workers) {
    w->Start();
  }
  std::vector<double> all;
  long errors = 0;
  for (auto& w : workers) {
    w->WaitDone();
    all.insert(all.end(), w->latencies_ms.begin(), w->latencies_ms.end());
    errors += w->errors;
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
  std::printf("%s\n",
              absl::StrFormat(R"({"connections":%d,"requests":%d,"errors":%d,"rps":%.0f,"p50_ms":%.2f,"p99_ms":%.2f})",
                              o.connections, all.size(), errors, static_cast<double>(all.size()) / elapsed,
                              Percentile(all, 0.50), Percentile(all, 0.99))
                  .c_str());
  return errors > 0 && all.empty() ? 1 : 0;
}
