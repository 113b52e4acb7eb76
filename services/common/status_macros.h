#pragma once

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Early returns on error, as Abseil's internal status macros and Envoy's spell them:
//
//   RETURN_IF_ERROR(CheckText("title", title, 200));
//   ASSIGN_OR_RETURN(const Caller caller, authorizer_.Require(call, {ROLE_STAFF}));
//
// Each evaluates its expression once; a non-OK status is returned as it is (an absl::Status converts to
// any absl::StatusOr<T> the enclosing function returns).

#define MINYI_STATUS_CONCAT_INNER_(x, y) x##y
#define MINYI_STATUS_CONCAT_(x, y) MINYI_STATUS_CONCAT_INNER_(x, y)

#define RETURN_IF_ERROR(expr)                                         \
  do {                                                                \
    if (::absl::Status minyi_status_ = (expr); !minyi_status_.ok()) { \
      return minyi_status_;                                           \
    }                                                                 \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  MINYI_ASSIGN_OR_RETURN_IMPL_(MINYI_STATUS_CONCAT_(minyi_statusor_, __LINE__), lhs, expr)

#define MINYI_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) {                                   \
    return std::move(statusor).status();                  \
  }                                                       \
  lhs = *std::move(statusor)
