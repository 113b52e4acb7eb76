// libFuzzer target: the JSON/query/path -> proto transcoder and the response and error rendering, over
// the routes of the synthetic test service (tests/unit/gateway/test_protos.h: scalar body field,
// response_body, nested and repeated query parameters, enums, bytes, Timestamp, FieldMask) and of every
// linked service. Input: "METHOD /path?query" on the first line, the request body on the rest.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/text.h"
#include "errors.h"
#include "fuzz_check.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "router.h"
#include "transcoder.h"
#include "unit/gateway/test_protos.h"

namespace minyi::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct Fixture {
  fixtures::ThingsPool things;
  std::unique_ptr<Router> router;

  Fixture() {
    // protobuf logs an error (and goes on) when it meets a string that is not UTF-8 and the like: for the
    // gateway that is a finding, a line of non-JSON on stderr per request.
    google::protobuf::SetLogHandler(
        [](google::protobuf::LogLevel level, const char* file, int line, const std::string& message) {
          std::fprintf(stderr, "protobuf %s:%d: %s\n", file, line, message.c_str());
          FUZZ_CHECK(level < google::protobuf::LOGLEVEL_ERROR);
        });
    std::vector<ServiceBinding> services = {{"things", things.service()}};
    for (const std::string& backend : LinkedBackends()) {
      auto found = ServicesOfBackend(things.pool(), backend);
      FUZZ_CHECK(found.ok());
      services.insert(services.end(), found->begin(), found->end());
    }
    absl::StatusOr<Router> built = Router::Build(services);
    FUZZ_CHECK(built.ok());
    router = std::make_unique<Router>(*std::move(built));
  }
};

Fixture& Shared() {
  static Fixture* const fixture = new Fixture();
  return *fixture;
}

// What the gateway sends on is valid proto3: every string it set is UTF-8.
void CheckStrings(const Message& message) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? reflection->FieldSize(message, f) : 1;
    for (int i = 0; i < n; ++i) {
      if (f->type() == FieldDescriptor::TYPE_STRING) {
        FUZZ_CHECK(IsValidUtf8(f->is_repeated() ? reflection->GetRepeatedString(message, f, i)
                                                : reflection->GetString(message, f)));
      } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        CheckStrings(f->is_repeated() ? reflection->GetRepeatedMessage(message, f, i)
                                      : reflection->GetMessage(message, f));
      }
    }
  }
}

// What the gateway answers is JSON a client can parse.
void CheckJson(const std::string& body) {
  FUZZ_CHECK(IsValidUtf8(body));
  FUZZ_CHECK(nlohmann::json::accept(body));
}

}  // namespace
}  // namespace minyi::gateway

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace minyi::gateway;
  Fixture& f = Shared();
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const absl::string_view line = input.substr(0, newline);
  const absl::string_view body = newline == absl::string_view::npos ? absl::string_view() : input.substr(newline + 1);
  const size_t space = line.find(' ');
  if (space == absl::string_view::npos) {
    return 0;
  }
  const absl::string_view method = line.substr(0, space);
  const absl::string_view target = line.substr(space + 1);
  const size_t q = target.find('?');
  const absl::string_view path = target.substr(0, q);
  const absl::string_view query = q == absl::string_view::npos ? absl::string_view() : target.substr(q + 1);

  RouteMatch match = f.router->Find(method, path);
  if (match.route == nullptr) {
    return 0;
  }
  const Route& route = *match.route;
  std::unique_ptr<Message> request = f.things.New(route.method->input_type());
  absl::Status status = BuildRequest(route, match.bindings, query, body, request.get());
  if (status.ok()) {
    CheckStrings(*request);
    std::string wire;
    FUZZ_CHECK(request->SerializeToString(&wire));
  } else {
    FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
    CheckJson(ErrorBody(ToRpcStatus(status)));
  }

  // The response side: whatever a backend's answer holds (here: the body read as the output type),
  // rendering it gives JSON.
  std::unique_ptr<Message> response = f.things.New(route.method->output_type());
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (google::protobuf::util::JsonStringToMessage(google::protobuf::StringPiece(body.data(), body.size()),
                                                  response.get(), options)
          .ok()) {
    absl::StatusOr<std::string> rendered = RenderResponse(route, *response);
    FUZZ_CHECK(rendered.ok());
    CheckJson(*rendered);
  }
  return 0;
}
