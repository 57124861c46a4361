// API tokens of a team (leads and admins): /admin/tokens.
#include "pages.h"

namespace everyseat::server::web {

void AddTokenPages(Router& router, Api::Impl& impl) {
  (void)router;
  (void)impl;
}

}  // namespace everyseat::server::web
