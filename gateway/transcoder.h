#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "path_template.h"
#include "router.h"

namespace minyi::gateway {

// Fills `request` (an empty message of route.method->input_type()) from, in this order:
//  1. the JSON body into the request (body "*") or into the body field (body "<field>"); an empty body
//     is an empty object; a body sent to a route without a body rule is ignored, as grpc-gateway does;
//  2. the query parameters into the remaining fields: `a.b=x` for nested fields, proto or lowerCamelCase
//     names, `x=1&x=2` for repeated fields, enums by name or number, '+' and %XX decoded;
//  3. the path variables.
// Path-bound fields are the path's: a query parameter naming one, or a body that sets one to a different
// value, is INVALID_ARGUMENT. So are unknown fields and query parameters, malformed JSON, values of the
// wrong type and strings that are not UTF-8; every error names the field.
absl::Status BuildRequest(const Route& route, const std::vector<PathTemplate::Binding>& bindings,
                          absl::string_view query, absl::string_view body, google::protobuf::Message* request);

// The JSON for a successful response: proto3 JSON with lowerCamelCase names and every field that has no
// presence printed even at its default (false, 0, "", [], {}: grpc-gateway's EmitUnpopulated), or only
// the `response_body` field when the rule sets one. Fields with presence (messages, oneof members,
// `optional` scalars) appear only when set.
absl::StatusOr<std::string> RenderResponse(const Route& route, const google::protobuf::Message& response);

// The print options of every JSON body the gateway writes (responses and errors).
google::protobuf::util::JsonPrintOptions ResponseJsonOptions();

// The decoded key/value pairs of a query string ("a=1&b=%E5%BC%A0" -> {a,1},{b,张}); '+' is a space.
std::vector<std::pair<std::string, std::string>> ParseQuery(absl::string_view query);

}  // namespace minyi::gateway
