// The fields that say who is concerned have one name and one type in every event payload
// (docs/events.md, "Conventions every payload follows"): the notifications service reads them by name
// without knowing each service's messages, so a payload that spelled one differently would go unnoticed.
#include <map>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"

namespace minyi::notifications {
namespace {

using google::protobuf::FieldDescriptor;

struct Convention {
  FieldDescriptor::Type type;
  bool repeated;
};

const std::map<std::string, Convention>& Conventions() {
  static const auto* conventions = new std::map<std::string, Convention>{
      {"reference", {FieldDescriptor::TYPE_STRING, false}},
      {"title", {FieldDescriptor::TYPE_STRING, false}},
      {"deputies", {FieldDescriptor::TYPE_STRING, true}},
      {"department", {FieldDescriptor::TYPE_STRING, false}},
      {"co_departments", {FieldDescriptor::TYPE_STRING, true}},
      {"citizen_account", {FieldDescriptor::TYPE_STRING, false}},
      {"accounts", {FieldDescriptor::TYPE_STRING, true}},
      {"station", {FieldDescriptor::TYPE_STRING, false}},
      {"deadline", {FieldDescriptor::TYPE_STRING, false}},
      {"key_supervision", {FieldDescriptor::TYPE_BOOL, false}},
  };
  return *conventions;
}

// Every event payload: the messages of the services' events.proto files and deputies' events, which
// live in deputies.proto.
std::vector<const google::protobuf::Descriptor*> Payloads() {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  std::vector<const google::protobuf::Descriptor*> out;
  for (const char* file :
       {"minyi/suggestions/v1/events.proto", "minyi/voting/v1/events.proto", "minyi/evaluation/v1/events.proto"}) {
    const google::protobuf::FileDescriptor* f = pool->FindFileByName(file);
    EXPECT_NE(f, nullptr) << file;
    for (int i = 0; f != nullptr && i < f->message_type_count(); ++i) {
      out.push_back(f->message_type(i));
    }
  }
  for (const char* name : {"DeputyCreated", "DeputyUpdated", "DeputyLeft", "StationRankingPublished",
                           "SupervisionGroupCreated", "SupervisionGroupUpdated"}) {
    const google::protobuf::Descriptor* d = pool->FindMessageTypeByName(std::string("minyi.deputies.v1.") + name);
    EXPECT_NE(d, nullptr) << name;
    if (d != nullptr) {
      out.push_back(d);
    }
  }
  return out;
}

TEST(EventFieldsTest, WhoIsConcernedHasOneNameAndTypeInEveryPayload) {
  const std::vector<const google::protobuf::Descriptor*> payloads = Payloads();
  EXPECT_GE(payloads.size(), 30u);
  int conventional = 0;
  for (const google::protobuf::Descriptor* payload : payloads) {
    for (int i = 0; i < payload->field_count(); ++i) {
      const FieldDescriptor* field = payload->field(i);
      auto it = Conventions().find(field->name());
      if (it == Conventions().end()) {
        continue;
      }
      ++conventional;
      EXPECT_EQ(field->type(), it->second.type) << field->full_name();
      EXPECT_EQ(field->is_repeated(), it->second.repeated) << field->full_name();
    }
  }
  EXPECT_GT(conventional, 0);
}

}  // namespace
}  // namespace minyi::notifications
