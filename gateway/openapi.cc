#include "openapi.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/rpc/status.pb.h"

namespace minyi::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

constexpr int kMaxQueryDepth = 3;

std::string Singular(absl::string_view collection) {
  if (absl::EndsWith(collection, "ies")) {
    return absl::StrCat(collection.substr(0, collection.size() - 3), "y");
  }
  if (absl::EndsWith(collection, "s") && collection.size() > 1) {
    return std::string(collection.substr(0, collection.size() - 1));
  }
  return std::string(collection);
}

// Whether a schema describes what clients send or what the gateway answers. Answers print every field
// without presence (transcoder.h), so their schemas list those fields as `required`; what clients send
// may leave any field out, so a message reached from a request has its own schema, named with the suffix
// ".Input", without `required`.
enum class Side { kInput, kOutput };

// A field printed in every answer: one without presence (a repeated or map field, or a scalar neither in
// a oneof nor `optional`).
bool AlwaysPresent(const FieldDescriptor* f) { return !f->has_presence(); }

class SchemaBuilder final {
 public:
  json Ref(const Descriptor* message, Side side) {
    json wkt = WellKnown(message);
    if (!wkt.is_null()) {
      return wkt;
    }
    const std::string name = absl::StrCat(message->full_name(), side == Side::kInput ? ".Input" : "");
    if (!schemas_.contains(name)) {
      schemas_[name] = json::object();  // placeholder first: recursive messages stop here
      json properties = json::object();
      json required = json::array();
      for (int i = 0; i < message->field_count(); ++i) {
        const FieldDescriptor* f = message->field(i);
        properties[f->json_name()] = Field(f, side);
        if (side == Side::kOutput && AlwaysPresent(f)) {
          required.push_back(f->json_name());
        }
      }
      json schema = {{"type", "object"}, {"properties", std::move(properties)}};
      if (!required.empty()) {  // OpenAPI 3.0 refuses an empty `required`
        schema["required"] = std::move(required);
      }
      schemas_[name] = std::move(schema);
    }
    return {{"$ref", absl::StrCat("#/components/schemas/", name)}};
  }

  json Field(const FieldDescriptor* f, Side side) {
    if (f->is_map()) {
      return {{"type", "object"}, {"additionalProperties", Single(f->message_type()->map_value(), side)}};
    }
    if (f->is_repeated()) {
      return {{"type", "array"}, {"items", Single(f, side)}};
    }
    return Single(f, side);
  }

  json& schemas() { return schemas_; }

 private:
  json Single(const FieldDescriptor* f, Side side) {
    switch (f->type()) {
      case FieldDescriptor::TYPE_DOUBLE:
        return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT:
        return {{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      // proto3 JSON writes 64-bit integers as strings: JavaScript numbers cannot hold them.
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
        return {{"type", "string"}, {"format", "int64"}};
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        return {{"type", "string"}, {"format", "uint64"}};
      case FieldDescriptor::TYPE_BOOL:
        return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_STRING:
        return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES:
        return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_ENUM: {
        json names = json::array();
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          names.push_back(f->enum_type()->value(i)->name());
        }
        return {{"type", "string"}, {"enum", std::move(names)}};
      }
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return Ref(f->message_type(), side);
    }
    return json::object();
  }

  // The JSON form of google.protobuf types, or null for any other message.
  json WellKnown(const Descriptor* m) {
    const std::string& n = m->full_name();
    if (n == "google.protobuf.Timestamp") {
      return {{"type", "string"}, {"format", "date-time"}};
    }
    if (n == "google.protobuf.Duration") {
      return {{"type", "string"}, {"example", "1.5s"}};
    }
    if (n == "google.protobuf.FieldMask") {
      return {{"type", "string"}, {"description", "Comma-separated lowerCamelCase field paths."}};
    }
    if (n == "google.protobuf.Struct") {
      return {{"type", "object"}, {"additionalProperties", true}};
    }
    if (n == "google.protobuf.Value") {
      return json::object();
    }
    if (n == "google.protobuf.ListValue") {
      return {{"type", "array"}, {"items", json::object()}};
    }
    if (n == "google.protobuf.Empty") {
      return {{"type", "object"}};
    }
    if (n == "google.protobuf.Any") {
      if (!schemas_.contains(n)) {
        schemas_[n] = {
            {"type", "object"}, {"properties", {{"@type", {{"type", "string"}}}}}, {"additionalProperties", true}};
      }
      return {{"$ref", absl::StrCat("#/components/schemas/", n)}};
    }
    if (absl::StartsWith(n, "google.protobuf.") && absl::EndsWith(n, "Value")) {
      json value = Single(m->FindFieldByName("value"), Side::kOutput);
      value["nullable"] = true;
      return value;
    }
    return nullptr;
  }

  json schemas_ = json::object();
};

struct OpenApiPath {
  std::string path;
  json parameters = json::array();
};

OpenApiPath ConvertPath(const Route& route) {
  const PathTemplate& t = route.path;
  OpenApiPath out;
  std::set<std::string> used;
  auto add_param = [&](std::string name, std::string description) {
    std::string unique = name;
    for (int n = 2; used.contains(unique); ++n) {
      unique = absl::StrCat(name, n);
    }
    used.insert(unique);
    absl::StrAppend(&out.path, "/{", unique, "}");
    out.parameters.push_back({{"name", unique},
                              {"in", "path"},
                              {"required", true},
                              {"description", std::move(description)},
                              {"schema", {{"type", "string"}}}});
    return unique;
  };
  const auto& segments = t.segments();
  for (int i = 0; i < static_cast<int>(segments.size());) {
    const PathTemplate::Variable* var = nullptr;
    for (const PathTemplate::Variable& v : t.variables()) {
      if (v.begin == i) {
        var = &v;
      }
    }
    if (var == nullptr) {
      if (segments[i].kind == PathTemplate::SegmentKind::kLiteral) {
        absl::StrAppend(&out.path, "/", segments[i].literal);
      } else {
        add_param(absl::StrCat("segment", i), "A path segment the gateway does not bind to a field.");
      }
      ++i;
      continue;
    }
    // The field's value is the variable's segments joined by '/': describe it with the parameters.
    std::string shape;
    for (int j = var->begin; j < var->end; ++j) {
      const PathTemplate::Segment& s = segments[j];
      if (s.kind == PathTemplate::SegmentKind::kLiteral) {
        absl::StrAppend(&out.path, "/", s.literal);
        absl::StrAppend(&shape, shape.empty() ? "" : "/", s.literal);
        continue;
      }
      std::string name = (j > var->begin && segments[j - 1].kind == PathTemplate::SegmentKind::kLiteral)
                             ? Singular(segments[j - 1].literal)
                             : absl::StrReplaceAll(var->field_path, {{".", "_"}});
      std::string placed = add_param(name, "");
      absl::StrAppend(&shape, shape.empty() ? "" : "/", "{", placed, "}");
      if (s.kind == PathTemplate::SegmentKind::kDeepWildcard) {
        out.parameters.back()["description"] = "One or more path segments.";
      }
    }
    const std::string description = absl::StrCat("Part of field `", var->field_path, "`, which is `", shape, "`.");
    for (json& p : out.parameters) {
      if (p["description"] == "") {
        p["description"] = description;
      }
    }
    i = var->end;
  }
  if (!t.verb().empty()) {
    absl::StrAppend(&out.path, ":", t.verb());
  }
  return out;
}

bool IsPathBound(const Route& route, const std::vector<const FieldDescriptor*>& chain) {
  return std::find(route.variable_fields.begin(), route.variable_fields.end(), chain) != route.variable_fields.end();
}

void AddQueryParameters(const Route& route, SchemaBuilder& schemas, const Descriptor* message,
                        const std::string& prefix, std::vector<const FieldDescriptor*>& chain,
                        std::vector<const Descriptor*>& stack, json& out) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* f = message->field(i);
    if (f->is_map() || (chain.empty() && f == route.body_field)) {
      continue;
    }
    chain.push_back(f);
    const std::string name = absl::StrCat(prefix, f->json_name());
    const bool plain_message = f->type() == FieldDescriptor::TYPE_MESSAGE &&
                               !absl::StartsWith(f->message_type()->full_name(), "google.protobuf.");
    if (IsPathBound(route, chain)) {
      // Bound by the path: not a query parameter.
    } else if (plain_message) {
      if (!f->is_repeated() && static_cast<int>(chain.size()) < kMaxQueryDepth &&
          std::find(stack.begin(), stack.end(), f->message_type()) == stack.end()) {
        stack.push_back(f->message_type());
        AddQueryParameters(route, schemas, f->message_type(), name + ".", chain, stack, out);
        stack.pop_back();
      }
    } else {
      out.push_back({{"name", name}, {"in", "query"}, {"required", false}, {"schema", schemas.Field(f, Side::kInput)}});
    }
    chain.pop_back();
  }
}

std::string OpenApiMethod(absl::string_view http_method) {
  static const std::set<std::string, std::less<>> kMethods = {"get",   "put",  "post",    "delete",
                                                              "patch", "head", "options", "trace"};
  std::string lower = absl::AsciiStrToLower(http_method);
  return kMethods.contains(lower) ? lower : "";
}

}  // namespace

json BuildOpenApi(const std::vector<Route>& routes) {
  SchemaBuilder schemas;
  json paths = json::object();
  std::vector<const Route*> ordered;
  for (const Route& r : routes) {
    ordered.push_back(&r);
  }
  // Routes are ordered by match precedence; the document reads better by operation.
  std::sort(ordered.begin(), ordered.end(),
            [](const Route* a, const Route* b) { return a->operation_id < b->operation_id; });
  std::set<std::string> tags;
  for (const Route* route : ordered) {
    const std::string method = OpenApiMethod(route->http_method);
    if (method.empty()) {
      continue;
    }
    OpenApiPath path = ConvertPath(*route);
    json parameters = path.parameters;
    if (route->body != "*") {
      std::vector<const FieldDescriptor*> chain;
      std::vector<const Descriptor*> stack = {route->method->input_type()};
      AddQueryParameters(*route, schemas, route->method->input_type(), "", chain, stack, parameters);
    }
    // The public family is one tag whichever service serves it.
    const std::string tag = route->is_public ? "public" : route->method->service()->name();
    tags.insert(tag);
    json operation = {
        {"operationId", route->operation_id},
        {"tags", {tag}},
        {"summary", route->method->name()},
        {"responses",
         {{"200",
           {{"description", "OK"},
            {"content",
             {{"application/json",
               {{"schema", route->response_body_field != nullptr
                               ? schemas.Field(route->response_body_field, Side::kOutput)
                               : schemas.Ref(route->method->output_type(), Side::kOutput)}}}}}}},
          {"default",
           {{"description", "An error, as google.rpc.Status; the HTTP status is mapped from its code."},
            {"content",
             {{"application/json", {{"schema", schemas.Ref(google::rpc::Status::descriptor(), Side::kOutput)}}}}}}}}},
    };
    if (!parameters.empty()) {
      operation["parameters"] = std::move(parameters);
    }
    if (route->is_public) {
      operation["security"] = json::array();
      operation["responses"]["304"] = {{"description", "Not Modified: If-None-Match names the current ETag."}};
      operation["responses"]["429"] = {
          {"description", "Too many public reads from this client address; Retry-After says when to retry."},
          {"content",
           {{"application/json", {{"schema", schemas.Ref(google::rpc::Status::descriptor(), Side::kOutput)}}}}}};
    }
    if (!route->body.empty()) {
      json body_schema = route->body == "*" ? schemas.Ref(route->method->input_type(), Side::kInput)
                                            : schemas.Field(route->body_field, Side::kInput);
      operation["requestBody"] = {{"required", true},
                                  {"content", {{"application/json", {{"schema", std::move(body_schema)}}}}}};
    }
    paths[path.path][method] = std::move(operation);
  }
  json tag_list = json::array();
  for (const std::string& t : tags) {
    tag_list.push_back({{"name", t}});
  }
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Minyi API"},
        {"version", "v1"},
        {"description", "REST/JSON API of the Minyi platform, generated from the gRPC service descriptors."}}},
      {"tags", std::move(tag_list)},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", std::move(schemas.schemas())},
        {"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}}}}}},
      // Optional: public calls (sign-in) work without a token, the services decide the rest.
      {"security", json::array({{{"bearerAuth", json::array()}}, json::object()})},
  };
}

}  // namespace minyi::gateway
