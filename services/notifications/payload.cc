#include "notifications/payload.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace minyi::notifications {

absl::StatusOr<nlohmann::json> PayloadFields(const google::protobuf::Any& data) {
  const std::string& url = data.type_url();
  const std::string type = url.substr(url.rfind('/') + 1);
  const google::protobuf::Descriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(type);
  if (descriptor == nullptr) {
    return absl::NotFoundError(absl::StrCat("payload type not linked in: ", type));
  }
  std::unique_ptr<google::protobuf::Message> message(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
  if (!message->ParseFromString(data.value())) {
    return absl::InvalidArgumentError(absl::StrCat("payload does not parse as ", type));
  }
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string json;
  if (auto st = google::protobuf::util::MessageToJsonString(*message, &json, options); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("payload of ", type, " has no JSON form: ", st.ToString()));
  }
  nlohmann::json out = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!out.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("payload of ", type, " is not a JSON object"));
  }
  return out;
}

}  // namespace minyi::notifications
