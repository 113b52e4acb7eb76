// minyi-identity: wiring only. The service logic lives in service.cc, its SQL in store.cc.
#include <malloc.h>

#include <iostream>

#include "common/server.h"
#include "identity/service.h"
#include "identity/store.h"

int main() {
  // Each Argon2id hash takes 19 MiB. A fixed mmap threshold makes such blocks go back to the kernel when
  // freed; glibc's default raises the threshold after the first one and keeps later ones in the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
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
