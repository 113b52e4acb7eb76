#pragma once

// A synthetic service exercising what the real protos do not (yet): additional_bindings, a scalar body
// field, response_body, nested and repeated query parameters, literal-vs-variable precedence, a oneof and
// an `optional` field.

#include <memory>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/descriptor_database.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace minyi::gateway::fixtures {

inline constexpr char kThingsProto[] = R"pb(
  name: "gwtest/v1/things.proto"
  package: "gwtest.v1"
  syntax: "proto3"
  dependency: "google/api/annotations.proto"
  dependency: "google/protobuf/timestamp.proto"
  dependency: "google/protobuf/field_mask.proto"
  service {
    name: "Things"
    method {
      name: "GetThing"
      input_type: ".gwtest.v1.GetThingRequest"
      output_type: ".gwtest.v1.Thing"
      options {
        [google.api.http] {
          get: "/v1/{name=things/*}"
          additional_bindings { get: "/v1/{name=groups/*/things/*}" }
        }
      }
    }
    method {
      name: "GetMyThing"
      input_type: ".gwtest.v1.GetThingRequest"
      output_type: ".gwtest.v1.Thing"
      options {
        [google.api.http] { get: "/v1/things/me" }
      }
    }
    method {
      name: "ListThings"
      input_type: ".gwtest.v1.ListThingsRequest"
      output_type: ".gwtest.v1.ListThingsResponse"
      options {
        [google.api.http] { get: "/v1/things" response_body: "things" }
      }
    }
    method {
      name: "SetColor"
      input_type: ".gwtest.v1.SetColorRequest"
      output_type: ".gwtest.v1.Thing"
      options {
        [google.api.http] { post: "/v1/{name=things/*}:setColor" body: "color" }
      }
    }
    method {
      name: "DeleteThing"
      input_type: ".gwtest.v1.GetThingRequest"
      output_type: ".gwtest.v1.Thing"
      options {
        [google.api.http] { delete: "/v1/{name=things/*}" }
      }
    }
    method {
      name: "PutThing"
      input_type: ".gwtest.v1.Thing"
      output_type: ".gwtest.v1.Thing"
      options {
        [google.api.http] { put: "/v1/{name=things/*}" body: "*" }
      }
    }
    method {
      name: "Move"
      input_type: ".gwtest.v1.MoveRequest"
      output_type: ".gwtest.v1.Thing"
      options {
        [google.api.http] { custom { kind: "MOVE" path: "/v1/{name=things/*}" } }
      }
    }
    method {
      name: "Search"
      input_type: ".gwtest.v1.SearchRequest"
      output_type: ".gwtest.v1.ListThingsResponse"
      options {
        [google.api.http] { get: "/v1/things:search" }
      }
    }
  }
  message_type {
    name: "Thing"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
    field { name: "color" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "color" }
    field { name: "size" number: 3 type: TYPE_INT64 label: LABEL_OPTIONAL json_name: "size" }
    field {
      name: "parent"
      number: 4
      type: TYPE_MESSAGE
      type_name: ".gwtest.v1.Thing"
      label: LABEL_OPTIONAL
      json_name: "parent"
    }
    field {
      name: "labels"
      number: 5
      type: TYPE_MESSAGE
      type_name: ".gwtest.v1.Thing.LabelsEntry"
      label: LABEL_REPEATED
      json_name: "labels"
    }
    field { name: "active" number: 6 type: TYPE_BOOL label: LABEL_OPTIONAL json_name: "active" }
    field {
      name: "nickname"
      number: 7
      type: TYPE_STRING
      label: LABEL_OPTIONAL
      json_name: "nickname"
      oneof_index: 1
      proto3_optional: true
    }
    field { name: "round" number: 8 type: TYPE_BOOL label: LABEL_OPTIONAL json_name: "round" oneof_index: 0 }
    field { name: "sides" number: 9 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "sides" oneof_index: 0 }
    oneof_decl { name: "shape" }
    oneof_decl { name: "_nickname" }
    nested_type {
      name: "LabelsEntry"
      options { map_entry: true }
      field { name: "key" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "key" }
      field { name: "value" number: 2 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "value" }
    }
  }
  message_type {
    name: "GetThingRequest"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
  }
  message_type {
    name: "MoveRequest"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
  }
  message_type {
    name: "SetColorRequest"
    field { name: "name" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "name" }
    field { name: "color" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "color" }
  }
  message_type {
    name: "Inner"
    field { name: "big" number: 1 type: TYPE_INT64 label: LABEL_OPTIONAL json_name: "big" }
    field { name: "flags" number: 2 type: TYPE_BOOL label: LABEL_REPEATED json_name: "flags" }
  }
  message_type {
    name: "Filter"
    field { name: "color" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "color" }
    field {
      name: "inner"
      number: 2
      type: TYPE_MESSAGE
      type_name: ".gwtest.v1.Inner"
      label: LABEL_OPTIONAL
      json_name: "inner"
    }
  }
  message_type {
    name: "SearchRequest"
    field {
      name: "filter"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".gwtest.v1.Filter"
      label: LABEL_OPTIONAL
      json_name: "filter"
    }
    field { name: "ids" number: 2 type: TYPE_INT32 label: LABEL_REPEATED json_name: "ids" }
    field { name: "archived" number: 3 type: TYPE_BOOL label: LABEL_OPTIONAL json_name: "archived" }
    field {
      name: "kind"
      number: 4
      type: TYPE_ENUM
      type_name: ".gwtest.v1.Kind"
      label: LABEL_OPTIONAL
      json_name: "kind"
    }
    field { name: "blob" number: 5 type: TYPE_BYTES label: LABEL_OPTIONAL json_name: "blob" }
    field {
      name: "after"
      number: 6
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.Timestamp"
      label: LABEL_OPTIONAL
      json_name: "after"
    }
    field { name: "tags" number: 7 type: TYPE_STRING label: LABEL_REPEATED json_name: "tags" }
    field { name: "score" number: 8 type: TYPE_DOUBLE label: LABEL_OPTIONAL json_name: "score" }
    field { name: "page_size" number: 9 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "pageSize" }
    field {
      name: "mask"
      number: 10
      type: TYPE_MESSAGE
      type_name: ".google.protobuf.FieldMask"
      label: LABEL_OPTIONAL
      json_name: "mask"
    }
    field { name: "count" number: 11 type: TYPE_UINT64 label: LABEL_OPTIONAL json_name: "count" }
    field {
      name: "kinds"
      number: 12
      type: TYPE_ENUM
      type_name: ".gwtest.v1.Kind"
      label: LABEL_REPEATED
      json_name: "kinds"
    }
    field { name: "query" number: 13 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "query" }
  }
  message_type {
    name: "ListThingsRequest"
    field { name: "page_size" number: 1 type: TYPE_INT32 label: LABEL_OPTIONAL json_name: "pageSize" }
  }
  message_type {
    name: "ListThingsResponse"
    field {
      name: "things"
      number: 1
      type: TYPE_MESSAGE
      type_name: ".gwtest.v1.Thing"
      label: LABEL_REPEATED
      json_name: "things"
    }
    field { name: "next_page_token" number: 2 type: TYPE_STRING label: LABEL_OPTIONAL json_name: "nextPageToken" }
  }
  enum_type {
    name: "Kind"
    value { name: "KIND_UNSPECIFIED" number: 0 }
    value { name: "KIND_BIG" number: 1 }
    value { name: "KIND_SMALL" number: 2 }
  }
)pb";

// A pool holding kThingsProto on top of everything linked in, and a factory for its messages.
class ThingsPool final {
 public:
  ThingsPool() : generated_(*google::protobuf::DescriptorPool::generated_pool()), merged_(&generated_, &own_) {
    google::protobuf::FileDescriptorProto file;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(kThingsProto, &file));
    EXPECT_TRUE(own_.Add(file));
    pool_ = std::make_unique<google::protobuf::DescriptorPool>(&merged_);
    file_ = pool_->FindFileByName("gwtest/v1/things.proto");
    EXPECT_NE(file_, nullptr);
  }

  const google::protobuf::ServiceDescriptor* service() const { return file_->service(0); }
  const google::protobuf::DescriptorPool& pool() const { return *pool_; }

  std::unique_ptr<google::protobuf::Message> New(const google::protobuf::Descriptor* d) {
    return std::unique_ptr<google::protobuf::Message>(factory_.GetPrototype(d)->New());
  }
  std::unique_ptr<google::protobuf::Message> New(const std::string& name) {
    return New(pool_->FindMessageTypeByName(name));
  }

 private:
  google::protobuf::DescriptorPoolDatabase generated_;
  google::protobuf::SimpleDescriptorDatabase own_;
  google::protobuf::MergedDescriptorDatabase merged_;
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  const google::protobuf::FileDescriptor* file_ = nullptr;
  google::protobuf::DynamicMessageFactory factory_;
};

}  // namespace minyi::gateway::fixtures
