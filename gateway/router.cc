#include "router.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor_database.h"
#include "public_reads.h"

namespace minyi::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

std::string ConventionFile(absl::string_view backend) {
  return absl::StrCat("minyi/", backend, "/v1/", backend, ".proto");
}

absl::Status AddRoute(const std::string& backend, const MethodDescriptor* method, const google::api::HttpRule& rule,
                      int binding_index, std::vector<Route>* routes) {
  Route route;
  absl::string_view path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET";
      path = rule.get();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT";
      path = rule.put();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST";
      path = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE";
      path = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH";
      path = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      route.http_method = rule.custom().kind();
      path = rule.custom().path();
      break;
    case google::api::HttpRule::PATTERN_NOT_SET:
      return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": google.api.http rule has no pattern"));
  }
  const std::string where = absl::StrCat(method->full_name(), " (", route.http_method, " ", path, ")");
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": streaming RPCs cannot be transcoded"));
  }
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", parsed.status().message()));
  }
  route.path = *std::move(parsed);
  route.is_public = IsPublicPath(route.path.text());
  if (route.is_public && route.http_method != "GET") {
    return absl::InvalidArgumentError(absl::StrCat(where, ": routes under ", kPublicPathPrefix, " are read-only GETs"));
  }
  route.method = method;
  route.grpc_method = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  route.backend = backend;
  route.operation_id = binding_index == 0 ? method->full_name() : absl::StrCat(method->full_name(), "_", binding_index);
  route.body = rule.body();
  const Descriptor* input = method->input_type();
  for (const PathTemplate::Variable& v : route.path.variables()) {
    absl::StatusOr<std::vector<const FieldDescriptor*>> chain = ResolveFieldPath(input, v.field_path);
    if (!chain.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", chain.status().message()));
    }
    const FieldDescriptor* leaf = chain->back();
    if (leaf->is_repeated() || leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": path variable ", v.field_path, " must be a singular scalar field"));
    }
    route.variable_fields.push_back(*std::move(chain));
  }
  if (!route.body.empty() && route.body != "*") {
    route.body_field = input->FindFieldByName(route.body);
    if (route.body_field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": body field ", route.body, " not in ", input->full_name()));
    }
  }
  if (!rule.response_body().empty()) {
    route.response_body_field = method->output_type()->FindFieldByName(rule.response_body());
    if (route.response_body_field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": response_body field ", rule.response_body(), " not in ",
                                                     method->output_type()->full_name()));
    }
  }
  routes->push_back(std::move(route));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<const FieldDescriptor*>> ResolveFieldPath(const Descriptor* message,
                                                                     absl::string_view field_path) {
  std::vector<const FieldDescriptor*> chain;
  const Descriptor* current = message;
  for (absl::string_view part : absl::StrSplit(field_path, '.')) {
    if (current == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("field path ", field_path, ": ", chain.back()->name(), " is not a singular message field"));
    }
    const FieldDescriptor* field = current->FindFieldByName(std::string(part));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("field path ", field_path, ": no field ", part, " in ", current->full_name()));
    }
    chain.push_back(field);
    current = (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) ? field->message_type()
                                                                                               : nullptr;
  }
  return chain;
}

absl::StatusOr<std::vector<ServiceBinding>> ServicesOfBackend(const google::protobuf::DescriptorPool& pool,
                                                              absl::string_view backend) {
  const std::string file_name = ConventionFile(backend);
  const google::protobuf::FileDescriptor* file = pool.FindFileByName(file_name);
  if (file == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("backend ", backend, ": proto file ", file_name, " is not linked into the gateway"));
  }
  std::vector<ServiceBinding> out;
  for (int i = 0; i < file->service_count(); ++i) {
    out.push_back({std::string(backend), file->service(i)});
  }
  return out;
}

std::vector<std::string> LinkedBackends() {
  std::vector<std::string> files;
  google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(&files);
  std::vector<std::string> out;
  for (const std::string& f : files) {
    std::vector<absl::string_view> parts = absl::StrSplit(f, '/');
    if (parts.size() != 4 || parts[0] != "minyi" || parts[2] != "v1" || f != ConventionFile(parts[1])) {
      continue;
    }
    // minyi/common/v1/common.proto follows the pattern but serves nothing.
    const google::protobuf::FileDescriptor* file =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(f);
    if (file != nullptr && file->service_count() > 0) {
      out.emplace_back(parts[1]);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::StatusOr<Router> Router::Build(const std::vector<ServiceBinding>& services) {
  Router router;
  for (const ServiceBinding& binding : services) {
    for (int m = 0; m < binding.service->method_count(); ++m) {
      const MethodDescriptor* method = binding.service->method(m);
      if (!method->options().HasExtension(google::api::http)) {
        continue;
      }
      const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
      if (absl::Status s = AddRoute(binding.backend, method, rule, 0, &router.routes_); !s.ok()) {
        return s;
      }
      for (int b = 0; b < rule.additional_bindings_size(); ++b) {
        if (absl::Status s = AddRoute(binding.backend, method, rule.additional_bindings(b), b + 1, &router.routes_);
            !s.ok()) {
          return s;
        }
      }
    }
  }
  std::stable_sort(router.routes_.begin(), router.routes_.end(),
                   [](const Route& a, const Route& b) { return a.path.MoreSpecificThan(b.path); });
  for (size_t i = 0; i < router.routes_.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      const Route& a = router.routes_[i];
      const Route& b = router.routes_[j];
      if (a.http_method == b.http_method && a.path.text() == b.path.text()) {
        return absl::InvalidArgumentError(absl::StrCat(a.http_method, " ", a.path.text(), " is bound by both ",
                                                       b.method->full_name(), " and ", a.method->full_name()));
      }
    }
  }
  return router;
}

RouteMatch Router::Find(absl::string_view http_method, absl::string_view path) const {
  RouteMatch match;
  for (const Route& route : routes_) {
    if (route.http_method == http_method && route.path.Match(path, &match.bindings)) {
      match.route = &route;
      return match;
    }
  }
  // Only on the miss path: which other methods would have served it.
  std::vector<PathTemplate::Binding> ignored;
  for (const Route& route : routes_) {
    if (route.path.Match(path, &ignored) && std::find(match.allowed_methods.begin(), match.allowed_methods.end(),
                                                      route.http_method) == match.allowed_methods.end()) {
      match.allowed_methods.push_back(route.http_method);
    }
  }
  match.bindings.clear();
  return match;
}

}  // namespace minyi::gateway
