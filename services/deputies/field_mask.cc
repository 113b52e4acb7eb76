#include "deputies/field_mask.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"

namespace minyi::deputies {
namespace {

bool Contains(absl::Span<const absl::string_view> set, absl::string_view path) {
  return std::find(set.begin(), set.end(), path) != set.end();
}

absl::StatusOr<std::vector<std::string>> ResolvePaths(const google::protobuf::Message& patch,
                                                      const google::protobuf::FieldMask& mask,
                                                      absl::Span<const absl::string_view> updatable) {
  std::vector<std::string> paths;
  auto add = [&](absl::string_view path) {
    if (std::find(paths.begin(), paths.end(), path) == paths.end()) {
      paths.emplace_back(path);
    }
  };
  if (mask.paths().empty()) {
    std::vector<const google::protobuf::FieldDescriptor*> populated;
    patch.GetReflection()->ListFields(patch, &populated);
    for (const auto* field : populated) {
      // The implied mask skips output-only fields: an update names its resource in `name`.
      if (Contains(updatable, field->name())) {
        add(field->name());
      }
    }
    return paths;
  }
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      for (absl::string_view field : updatable) {
        add(field);
      }
    } else if (Contains(updatable, path)) {
      add(path);
    } else {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" is not a field that can be updated"));
    }
  }
  return paths;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ApplyFieldMask(const google::protobuf::Message& patch,
                                                        const google::protobuf::FieldMask& mask,
                                                        absl::Span<const absl::string_view> updatable,
                                                        google::protobuf::Message* target) {
  absl::StatusOr<std::vector<std::string>> paths = ResolvePaths(patch, mask, updatable);
  if (!paths.ok()) {
    return paths.status();
  }
  google::protobuf::FieldMask resolved;
  for (const std::string& path : *paths) {
    resolved.add_paths(path);
  }
  google::protobuf::util::FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(patch, resolved, options, target);
  return paths;
}

absl::Status CheckOnlyPath(const google::protobuf::FieldMask& mask, absl::string_view allowed) {
  for (const std::string& path : mask.paths()) {
    if (path != allowed) {
      return InvalidField("update_mask", absl::StrCat("\"", path, "\" cannot be updated; only \"", allowed, "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace minyi::deputies
