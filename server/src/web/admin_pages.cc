// Administration: the team tree, people and roles, the staff import, API tokens (/admin/...).
#include "pages.h"

namespace everyseat::server::web {

void AddAdminPages(Router& router, Api::Impl& impl) {
  (void)router;
  (void)impl;
}

}  // namespace everyseat::server::web
