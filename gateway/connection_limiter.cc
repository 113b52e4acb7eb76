#include "connection_limiter.h"

#include <utility>

namespace minyi::gateway {

std::string ConnectionLimiter::AddressKey(const boost::asio::ip::address& address) {
  if (address.is_v6()) {
    const boost::asio::ip::address_v6 v6 = address.to_v6();
    if (v6.is_v4_mapped()) {
      return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    }
    boost::asio::ip::address_v6::bytes_type bytes = v6.to_bytes();
    for (std::size_t i = 8; i < bytes.size(); ++i) {
      bytes[i] = 0;
    }
    return boost::asio::ip::address_v6(bytes).to_string() + "/64";
  }
  return address.to_string();
}

ConnectionLimiter::Admission ConnectionLimiter::Admit(absl::string_view address_key) {
  Admission admission;
  absl::MutexLock lock(&mu_);
  auto address = addresses_.find(address_key);
  const int from_address = address == addresses_.end() ? 0 : address->second.open;
  if (limits_.max_per_address > 0 && from_address >= limits_.max_per_address) {
    if (address->second.idle.empty()) {
      admission.outcome = Outcome::kRefusedPerAddress;
    } else {
      admission.evict = EvictLocked(address->second.idle.begin()->second);
    }
  }
  if (admission.outcome == Outcome::kAdmitted && open_ >= limits_.max_total) {
    if (idle_.empty()) {
      admission.outcome = Outcome::kRefusedTotal;
    } else {
      admission.evict = EvictLocked(idle_.begin()->second);
    }
  }
  if (admission.outcome != Outcome::kAdmitted) {
    admission.answer = refusing_ < limits_.max_refusing;
    if (admission.answer) {
      ++refusing_;
      admission.id = next_id_++;
      connections_[admission.id].refusing = true;
    }
    return admission;
  }
  ++open_;
  ++addresses_[address_key].open;
  admission.id = next_id_++;
  connections_[admission.id].address = std::string(address_key);
  return admission;
}

void ConnectionLimiter::MarkIdle(std::uint64_t id, std::function<void()> close) {
  absl::MutexLock lock(&mu_);
  auto it = connections_.find(id);
  if (it == connections_.end() || it->second.refusing || it->second.idle_since != 0) {
    return;
  }
  Connection& connection = it->second;
  connection.idle_since = next_idle_++;
  connection.close = std::move(close);
  idle_.emplace(connection.idle_since, id);
  addresses_[connection.address].idle.emplace(connection.idle_since, id);
}

bool ConnectionLimiter::MarkBusy(std::uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return false;
  }
  Connection& connection = it->second;
  if (connection.idle_since != 0) {
    idle_.erase(connection.idle_since);
    addresses_[connection.address].idle.erase(connection.idle_since);
    connection.idle_since = 0;
    connection.close = nullptr;
  }
  return true;
}

void ConnectionLimiter::Release(std::uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = connections_.find(id);
  if (it != connections_.end()) {
    ForgetLocked(id, it->second);
  }
}

std::vector<std::function<void()>> ConnectionLimiter::EvictIdle() {
  absl::MutexLock lock(&mu_);
  std::vector<std::function<void()>> closes;
  while (!idle_.empty()) {
    closes.push_back(EvictLocked(idle_.begin()->second));
  }
  return closes;
}

ConnectionLimiter::Counts ConnectionLimiter::counts() const {
  absl::MutexLock lock(&mu_);
  return {open_, refusing_, static_cast<int>(idle_.size())};
}

std::function<void()> ConnectionLimiter::EvictLocked(std::uint64_t id) {
  auto it = connections_.find(id);
  std::function<void()> close = std::move(it->second.close);
  ForgetLocked(id, it->second);
  return close;
}

void ConnectionLimiter::ForgetLocked(std::uint64_t id, Connection& connection) {
  if (connection.refusing) {
    --refusing_;
  } else {
    --open_;
    auto address = addresses_.find(connection.address);
    if (connection.idle_since != 0) {
      idle_.erase(connection.idle_since);
      address->second.idle.erase(connection.idle_since);
    }
    if (--address->second.open == 0) {
      addresses_.erase(address);
    }
  }
  connections_.erase(id);
}

}  // namespace minyi::gateway
