// minyi-deputies: wiring only. The service logic lives in service.cc, its SQL in store.cc.
#include <iostream>
#include <string_view>
#include <utility>

#include "common/server.h"
#include "deputies/duties.h"
#include "deputies/duty_events.h"
#include "deputies/service.h"
#include "deputies/store.h"

int main() {
  auto host = minyi::ServiceHost::Create({.name = "deputies",
                                          .default_grpc_port = 7101,
                                          .migrations = &minyi::deputies::Migrations(),
                                          .statements = minyi::deputies::Statements()});
  if (!host.ok()) {
    std::cerr << "minyi-deputies: " << host.status() << "\n";
    return 1;
  }
  minyi::deputies::DeputiesService service((*host)->pool(), (*host)->authorizer());
  (*host)->AddService(&service);
  // Other services' duty-relevant events become duty records (see DutyEvidence in deputies.proto).
  minyi::EventConsumer::Options consumer;
  consumer.group = "deputies";
  consumer.wants = [](std::string_view type) {
    return minyi::deputies::CategoryForEventType(absl::string_view(type.data(), type.size())).has_value();
  };
  (*host)->AddBatchConsumer(std::move(consumer), &minyi::deputies::RecordDutiesFromEvents);
  return (*host)->Run();
}
