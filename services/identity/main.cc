// minyi-identity: wiring only. The service logic lives in service.cc, its SQL in store.cc.
#include <iostream>

#include "common/server.h"
#include "identity/service.h"
#include "identity/store.h"

int main() {
  auto host = minyi::ServiceHost::Create({.name = "identity",
                                          .default_grpc_port = 7100,
                                          .migrations = &minyi::identity::Migrations(),
                                          .statements = minyi::identity::Statements()});
  if (!host.ok()) {
    std::cerr << "minyi-identity: " << host.status() << "\n";
    return 1;
  }
  minyi::identity::IdentityService service((*host)->pool(), (*host)->signer(), (*host)->authorizer());
  if (absl::Status st = service.BootstrapAdminFromEnv(); !st.ok()) {
    std::cerr << "minyi-identity: " << st << "\n";
    return 1;
  }
  (*host)->AddService(&service);
  return (*host)->Run();
}
