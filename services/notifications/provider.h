#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "minyi/notifications/v1/notifications.pb.h"

namespace minyi::notifications {

using minyi::notifications::v1::Channel;

// One message for an external channel. `delivery` ("deliveries/{id}") is stable across retries, so a
// receiver can drop the duplicate a crash between sending and recording may cause.
struct OutboundMessage {
  std::string delivery;
  std::string account;  // "accounts/{id}"; the provider knows how to reach the account
  std::string phone;    // set instead of `account` for someone with no account yet (a registration code)
  Channel channel;
  std::string event_type;
  std::string reference;
  std::string title;
  std::string body;
  bool urgent = false;
};

// Sends a message through one external channel. OK means the provider accepted it; any error is retried.
class Provider {
 public:
  virtual ~Provider() = default;
  virtual absl::Status Send(const OutboundMessage& message) = 0;
};

// The JSON document every provider sends: a WeChat-work robot text message plus the delivery's fields.
std::string MessageJson(const OutboundMessage& message);

// Development: appends one JSON line per message to a local file.
class SinkProvider final : public Provider {
 public:
  explicit SinkProvider(std::string path) : path_(std::move(path)) {}
  absl::Status Send(const OutboundMessage& message) override;

 private:
  std::string path_;
  std::mutex mu_;  // one line at a time
};

// POSTs the JSON document to an http:// URL; a 2xx answer is success.
class WebhookProvider final : public Provider {
 public:
  static absl::StatusOr<std::unique_ptr<WebhookProvider>> Create(const std::string& url, absl::Duration timeout);
  absl::Status Send(const OutboundMessage& message) override;

 private:
  WebhookProvider(std::string host, std::string port, std::string target, absl::Duration timeout)
      : host_(std::move(host)), port_(std::move(port)), target_(std::move(target)), timeout_(timeout) {}

  std::string host_;
  std::string port_;
  std::string target_;
  absl::Duration timeout_;
};

// "file:///path" -> SinkProvider, "http://host[:port]/path" -> WebhookProvider; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::unique_ptr<Provider>> ProviderForUrl(const std::string& url, absl::Duration timeout);

}  // namespace minyi::notifications
