// Static files under /assets/ (static_files.h).
#include "everyseat/server/static_files.h"

namespace everyseat::server {

void AddStaticRoutes(Router& router, const std::filesystem::path& root) {
  (void)router;
  (void)root;
}

}  // namespace everyseat::server
