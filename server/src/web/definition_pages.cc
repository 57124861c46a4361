// The measure definition form (leads and admins): GET/POST /teams/{team}/measures/new and
// /measures/{measure}/edit.
#include "pages.h"

namespace everyseat::server::web {

void AddDefinitionPages(Router& router, Api::Impl& impl) {
  (void)router;
  (void)impl;
}

}  // namespace everyseat::server::web
