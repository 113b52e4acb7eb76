#include "transcoder.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/text.h"
#include "errors.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"

namespace minyi::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

using FieldChain = std::vector<const FieldDescriptor*>;

std::string ChainName(const FieldChain& chain) {
  return absl::StrJoin(chain, ".", [](std::string* out, const FieldDescriptor* f) { out->append(f->name()); });
}

// protobuf 3.21 takes its own StringPiece, which does not convert from absl::string_view.
google::protobuf::StringPiece Piece(absl::string_view s) { return google::protobuf::StringPiece(s.data(), s.size()); }

absl::Status ParseJsonInto(absl::string_view json, Message* message, absl::string_view what) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(json.empty() ? "{}" : Piece(json), message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid ", what, ": ", std::string(status.message())));
  }
  return absl::OkStatus();
}

template <typename T>
bool ParseInt(absl::string_view s, T* out) {
  return absl::SimpleAtoi(s, out);
}

std::optional<bool> ParseBool(absl::string_view s) {
  if (s == "true" || s == "1") {
    return true;
  }
  if (s == "false" || s == "0") {
    return false;
  }
  return std::nullopt;
}

// "DeliveryState" -> "DELIVERY_STATE": the prefix protobuf style gives every value of an enum.
std::string EnumValuePrefix(absl::string_view enum_name) {
  std::string out;
  for (size_t i = 0; i < enum_name.size(); ++i) {
    const char c = enum_name[i];
    if (i > 0 && absl::ascii_isupper(c)) {
      out.push_back('_');
    }
    out.push_back(absl::ascii_toupper(c));
  }
  return out;
}

// An enum value by its full name, or, in URLs, case-insensitively without the enum's prefix:
// `?state=dead` and `?state=DELIVERY_STATE_DEAD` are the same filter.
const google::protobuf::EnumValueDescriptor* FindEnumValue(const google::protobuf::EnumDescriptor& type,
                                                           absl::string_view value) {
  if (const auto* ev = type.FindValueByName(std::string(value)); ev != nullptr) {
    return ev;
  }
  const std::string upper = absl::AsciiStrToUpper(value);
  if (const auto* ev = type.FindValueByName(upper); ev != nullptr) {
    return ev;
  }
  return type.FindValueByName(absl::StrCat(EnumValuePrefix(type.name()), "_", upper));
}

// Sets (or, for repeated fields, appends) `value` to the scalar, enum or well-known-type field `field`.
absl::Status SetFromString(Message* msg, const FieldDescriptor* field, absl::string_view name,
                           absl::string_view value) {
  const Reflection* r = msg->GetReflection();
  const bool rep = field->is_repeated();
  auto bad = [&](absl::string_view expected) {
    return InvalidFieldError(name, absl::StrCat("invalid value \"", value, "\": expected ", expected));
  };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string s;
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::WebSafeBase64Unescape(value, &s) && !absl::Base64Unescape(value, &s)) {
          return bad("base64");
        }
      } else {
        if (!minyi::IsValidUtf8(value)) {
          return InvalidFieldError(name, "not valid UTF-8");
        }
        s = std::string(value);
      }
      rep ? r->AddString(msg, field, std::move(s)) : r->SetString(msg, field, std::move(s));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!ParseInt(value, &v)) {
        return bad("a 32-bit integer");
      }
      rep ? r->AddInt32(msg, field, v) : r->SetInt32(msg, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!ParseInt(value, &v)) {
        return bad("a 64-bit integer");
      }
      rep ? r->AddInt64(msg, field, v) : r->SetInt64(msg, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!ParseInt(value, &v)) {
        return bad("an unsigned 32-bit integer");
      }
      rep ? r->AddUInt32(msg, field, v) : r->SetUInt32(msg, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!ParseInt(value, &v)) {
        return bad("an unsigned 64-bit integer");
      }
      rep ? r->AddUInt64(msg, field, v) : r->SetUInt64(msg, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) {
        return bad("a number");
      }
      rep ? r->AddDouble(msg, field, v) : r->SetDouble(msg, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(value, &v)) {
        return bad("a number");
      }
      rep ? r->AddFloat(msg, field, v) : r->SetFloat(msg, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      std::optional<bool> v = ParseBool(value);
      if (!v.has_value()) {
        return bad("true or false");
      }
      rep ? r->AddBool(msg, field, *v) : r->SetBool(msg, field, *v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* ev = FindEnumValue(*field->enum_type(), value);
      int number;
      if (ev == nullptr && ParseInt(value, &number)) {
        ev = field->enum_type()->FindValueByNumber(number);
      }
      if (ev == nullptr) {
        return bad(absl::StrCat("a value of ", field->enum_type()->full_name()));
      }
      rep ? r->AddEnum(msg, field, ev) : r->SetEnum(msg, field, ev);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Only well-known types have a string form (Timestamp, FieldMask, Duration, wrappers): parse the
      // value as their JSON, first as a JSON string, then (numbers, booleans) as a bare JSON value.
      if (field->message_type()->file()->name().rfind("google/protobuf/", 0) != 0) {
        return InvalidFieldError(name, "is a message: set its fields as " + std::string(name) + ".<field>=...");
      }
      if (!minyi::IsValidUtf8(value)) {  // quoting it as a JSON string below would throw
        return InvalidFieldError(name, "not valid UTF-8");
      }
      Message* sub = rep ? r->AddMessage(msg, field) : r->MutableMessage(msg, field);
      google::protobuf::util::JsonParseOptions options;
      if (google::protobuf::util::JsonStringToMessage(nlohmann::json(std::string(value)).dump(), sub, options).ok() ||
          google::protobuf::util::JsonStringToMessage(Piece(value), sub, options).ok()) {
        return absl::OkStatus();
      }
      return bad(field->message_type()->full_name());
    }
  }
  return bad("a supported type");
}

// The value a singular scalar field holds, as text, to compare a body's value with the path's.
std::string ScalarText(const Message& msg, const FieldDescriptor* field) {
  const Reflection* r = msg.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return r->GetString(msg, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(r->GetInt32(msg, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(r->GetInt64(msg, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(r->GetUInt32(msg, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(r->GetUInt64(msg, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(r->GetDouble(msg, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(r->GetFloat(msg, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return r->GetBool(msg, field) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return absl::StrCat(r->GetEnumValue(msg, field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

// The message holding the last field of `chain`, created along the way.
Message* MutableParent(Message* root, const FieldChain& chain) {
  Message* m = root;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, chain[i]);
  }
  return m;
}

// The query key "deputy.displayName" or "deputy.display_name" as a field chain.
absl::StatusOr<FieldChain> ResolveQueryKey(const Descriptor* root, absl::string_view key) {
  FieldChain chain;
  const Descriptor* current = root;
  for (absl::string_view part : absl::StrSplit(key, '.')) {
    if (current == nullptr) {
      return InvalidFieldError(key, "unknown query parameter: only singular message fields have subfields");
    }
    const FieldDescriptor* f = current->FindFieldByName(std::string(part));
    if (f == nullptr) {
      f = current->FindFieldByCamelcaseName(std::string(part));
    }
    if (f == nullptr) {
      return InvalidFieldError(key,
                               absl::StrCat("unknown query parameter: no field ", part, " in ", current->full_name()));
    }
    if (f->is_map()) {
      return InvalidFieldError(key, "map fields cannot be set from the query string");
    }
    chain.push_back(f);
    current = (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) ? f->message_type() : nullptr;
  }
  return chain;
}

bool SameChain(const FieldChain& a, const FieldChain& b) { return a == b; }

absl::Status ApplyBody(const Route& route, absl::string_view body, Message* request) {
  if (route.body == "*") {
    return ParseJsonInto(body, request, "request body");
  }
  const FieldDescriptor* field = route.body_field;
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) {
    return ParseJsonInto(body, request->GetReflection()->MutableMessage(request, field), "request body");
  }
  if (body.empty()) {
    return absl::OkStatus();
  }
  // A scalar, repeated or map body: wrap it as {"<field>": <body>}, after checking it is exactly one
  // JSON value so the wrapping cannot smuggle in other fields.
  nlohmann::json value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return absl::InvalidArgumentError("invalid request body: malformed JSON");
  }
  nlohmann::json wrapped = nlohmann::json::object();
  wrapped[field->json_name()] = std::move(value);
  return ParseJsonInto(wrapped.dump(), request, "request body");
}

}  // namespace

std::vector<std::pair<std::string, std::string>> ParseQuery(absl::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(pair, absl::MaxSplits('=', 1));
    std::string key(kv.first);
    std::string value(kv.second);
    std::replace(key.begin(), key.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    out.emplace_back(PercentDecode(key), PercentDecode(value));
  }
  return out;
}

absl::Status BuildRequest(const Route& route, const std::vector<PathTemplate::Binding>& bindings,
                          absl::string_view query, absl::string_view body, Message* request) {
  if (!route.body.empty()) {
    if (absl::Status s = ApplyBody(route, body, request); !s.ok()) {
      return s;
    }
  }

  if (!query.empty()) {
    const Descriptor* input = request->GetDescriptor();
    for (const auto& [key, value] : ParseQuery(query)) {
      if (key.empty()) {
        continue;
      }
      if (route.body == "*") {
        return InvalidFieldError(key, "query parameters are not accepted: the body is the whole request");
      }
      absl::StatusOr<FieldChain> chain = ResolveQueryKey(input, key);
      if (!chain.ok()) {
        return chain.status();
      }
      if (route.body_field != nullptr && chain->front() == route.body_field) {
        return InvalidFieldError(key, "is set by the request body");
      }
      for (const FieldChain& bound : route.variable_fields) {
        if (SameChain(bound, *chain)) {
          return InvalidFieldError(key, "is set by the URL path");
        }
      }
      if (absl::Status s = SetFromString(MutableParent(request, *chain), chain->back(), ChainName(*chain), value);
          !s.ok()) {
        return s;
      }
    }
  }

  for (size_t i = 0; i < bindings.size() && i < route.variable_fields.size(); ++i) {
    const FieldChain& chain = route.variable_fields[i];
    Message* parent = MutableParent(request, chain);
    const FieldDescriptor* leaf = chain.back();
    std::optional<std::string> before;
    if (parent->GetReflection()->HasField(*parent, leaf)) {
      before = ScalarText(*parent, leaf);
    }
    if (absl::Status s = SetFromString(parent, leaf, ChainName(chain), bindings[i].value); !s.ok()) {
      return s;
    }
    if (before.has_value() && *before != ScalarText(*parent, leaf)) {
      return InvalidFieldError(ChainName(chain), "the request body sets it to a different value than the URL path");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RenderResponse(const Route& route, const Message& response) {
  google::protobuf::util::JsonPrintOptions options = ResponseJsonOptions();
  std::string json;
  const FieldDescriptor* field = route.response_body_field;
  if (field == nullptr) {
    auto status = google::protobuf::util::MessageToJsonString(response, &json, options);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("cannot render response: ", std::string(status.message())));
    }
    return json;
  }
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) {
    auto status = google::protobuf::util::MessageToJsonString(response.GetReflection()->GetMessage(response, field),
                                                              &json, options);
    if (!status.ok()) {
      return absl::InternalError(absl::StrCat("cannot render response: ", std::string(status.message())));
    }
    return json;
  }
  // Scalar, repeated or map: render a copy holding only that field, then pick it out.
  std::unique_ptr<Message> only(response.New());
  only->CopyFrom(response);
  std::vector<const FieldDescriptor*> present;
  only->GetReflection()->ListFields(*only, &present);
  for (const FieldDescriptor* f : present) {
    if (f != field) {
      only->GetReflection()->ClearField(only.get(), f);
    }
  }
  auto status = google::protobuf::util::MessageToJsonString(*only, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot render response: ", std::string(status.message())));
  }
  nlohmann::json whole = nlohmann::json::parse(json);
  auto it = whole.find(field->json_name());
  if (it != whole.end()) {
    return it->dump();
  }
  // Only a field with presence that is unset is left out: the body is then JSON's null.
  return std::string("null");
}

google::protobuf::util::JsonPrintOptions ResponseJsonOptions() {
  google::protobuf::util::JsonPrintOptions options;
  // Every field without presence is printed, at its default too (false, 0, "", [], {}), so clients need
  // not know proto3's defaults; fields with presence (messages, oneof members, `optional` scalars) are
  // printed only when set.
  options.always_print_primitive_fields = true;
  return options;
}

}  // namespace minyi::gateway
