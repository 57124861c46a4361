// The two engines' factories, for Store::Open and EventListener::Open. Internal.
// Thread-safety: each returned store is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "everyseat/store/store.h"

namespace everyseat::store::detail {

// `path`: a file name, or ":memory:".
[[nodiscard]] Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path,
                                                        const StoreOptions& options);
// `conninfo`: a libpq connection URI or key=value string.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenPostgres(const std::string& conninfo,
                                                          const StoreOptions& options);

// Event listeners (EventListener::Open): SQLite's receives nothing; PostgreSQL's LISTENs on a
// connection of its own.
[[nodiscard]] std::unique_ptr<EventListener> OpenSqliteListener();
[[nodiscard]] Result<std::unique_ptr<EventListener>> OpenPostgresListener(
    const std::string& conninfo);

}  // namespace everyseat::store::detail
