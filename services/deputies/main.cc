// minyi-deputies: wiring only. The registry, stations, duty files and supervision groups live in their
// handlers (deputy_registry.cc, stations.cc, duty_file.cc, supervision_groups.cc), their SQL in store.cc.
#include <iostream>
#include <string_view>
#include <utility>

#include "common/server.h"
#include "deputies/duties.h"
#include "deputies/duty_events.h"
#include "deputies/rpc.h"
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
  minyi::deputies::DeputyRegistry registry((*host)->pool(), (*host)->authorizer());
  minyi::deputies::Stations stations((*host)->pool(), (*host)->authorizer());
  minyi::deputies::DutyFile duty_file((*host)->pool(), (*host)->authorizer());
  minyi::deputies::SupervisionGroups supervision_groups((*host)->pool(), (*host)->authorizer());
  minyi::deputies::DeputiesRpc service(registry, stations, duty_file, supervision_groups);
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
