#pragma once
// Who sent a request: the identity an API key names and the scopes it grants
// (docs/identities.md). The HTTP layer sets it on every request (adapters/http/api_keys), the
// admin socket uses `operator`; a task token with a requiredScope is answered only by a caller
// with that scope.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace settled {

struct Caller {
  std::string identity;             // "" when the request carried no key (nothing is granted)
  std::vector<std::string> scopes;  // as configured, in order
  bool every_scope = false;         // local-only mode and the admin socket's operator

  bool has_scope(std::string_view scope) const {
    return every_scope || std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  }

  // No API keys configured: only loopback clients reach the daemon (config.cpp refuses any
  // other address), so the one who can call is the one who runs the box.
  static Caller local() { return Caller{"local", {}, true}; }
  // settlectl over the admin socket: whoever can open the socket operates the daemon.
  static Caller operator_on_the_box() { return Caller{"operator", {}, true}; }
};

}  // namespace settled
