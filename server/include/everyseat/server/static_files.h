// Static files of the web front end (web/dist, built by Vite): the stylesheet, the script, the
// NHS.UK frontend's images, icons and favicons, served under /assets/.
#pragma once

#include <filesystem>

#include "everyseat/server/http.h"

namespace everyseat::server {

// Registers GET routes serving the files below `root` (a directory holding "assets/"): the URL
// /assets/X, /assets/X/Y or /assets/X/Y/Z is the file root/assets/X[/Y[/Z]]. Files are read on
// request (no cache in memory), with a Content-Type from the extension, an ETag and
// Cache-Control; a name starting with '.' or holding '\0', '\\' or ".." is 404. When `root` is
// empty or has no assets/ directory every asset is 404 (the pages still work without styles).
// The routes are not part of the API document (OperationDoc::in_api is false).
void AddStaticRoutes(Router& router, const std::filesystem::path& root);

}  // namespace everyseat::server
