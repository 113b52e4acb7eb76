#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "path_template.h"

namespace minyi::gateway {

// One REST binding of an RPC: a google.api.http rule (or one of its additional_bindings), resolved
// against the request and response descriptors once, at start.
struct Route {
  std::string http_method;  // "GET", "POST", ...
  PathTemplate path;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_method;   // "/minyi.deputies.v1.Deputies/GetDeputy", as gRPC names it on the wire
  std::string backend;       // the MINYI_BACKENDS name that serves it
  std::string operation_id;  // full RPC name, suffixed "_<n>" for additional bindings
  bool is_public = false;    // under /v1/public/: anonymous, rate-limited, cacheable (public_reads.h)
  std::string body;          // "" (none), "*" (whole request) or a top-level request field name
  const google::protobuf::FieldDescriptor* body_field = nullptr;           // when body names a field
  const google::protobuf::FieldDescriptor* response_body_field = nullptr;  // when response_body is set
  // The request field chain of each path variable, in the order of path.variables().
  std::vector<std::vector<const google::protobuf::FieldDescriptor*>> variable_fields;
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method (see allowed_methods)
  std::vector<PathTemplate::Binding> bindings;
  // When route is null but the path matches routes of other methods: those methods (405 with Allow).
  // Empty when nothing matches the path (404).
  std::vector<std::string> allowed_methods;
};

// The services a backend serves, and which backend serves them.
struct ServiceBinding {
  std::string backend;
  const google::protobuf::ServiceDescriptor* service = nullptr;
};

// By convention backend `name` serves the services of the proto file minyi/<name>/v1/<name>.proto.
// NOT_FOUND naming the file when it is not linked into this binary.
absl::StatusOr<std::vector<ServiceBinding>> ServicesOfBackend(const google::protobuf::DescriptorPool& pool,
                                                              absl::string_view backend);

// Every backend name whose convention file is linked into this binary, sorted.
std::vector<std::string> LinkedBackends();

// Method + path -> RPC. Built once from the descriptors; lookups do no allocation beyond the bindings
// and are safe from any number of threads.
class Router final {
 public:
  static absl::StatusOr<Router> Build(const std::vector<ServiceBinding>& services);

  RouteMatch Find(absl::string_view http_method, absl::string_view path) const;

  // Most specific first.
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Resolves a dotted field path ("deputy.name") against `message`: every element but the last must be a
// singular message field. INVALID_ARGUMENT naming the path otherwise.
absl::StatusOr<std::vector<const google::protobuf::FieldDescriptor*>> ResolveFieldPath(
    const google::protobuf::Descriptor* message, absl::string_view field_path);

}  // namespace minyi::gateway
