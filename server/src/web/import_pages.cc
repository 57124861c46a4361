// Importing a staff list from a CSV file (admins): /admin/import.
#include "pages.h"

namespace everyseat::server::web {

void AddImportPages(Router& router, Api::Impl& impl) {
  (void)router;
  (void)impl;
}

}  // namespace everyseat::server::web
