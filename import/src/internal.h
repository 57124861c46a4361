// What the three imports share: errors without a line, the transaction around an import, the
// progress callback, and small text helpers. Internal to import/src.
// Thread-safety: as import.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "everyseat/import/import.h"

namespace everyseat::imports::detail {

using Checked = tl::expected<void, ImportError>;

// An error about no line of the file: the reason is the whole message.
[[nodiscard]] inline ImportError Plain(std::string reason) {
  return ImportError{reason, 0, reason};
}
[[nodiscard]] inline tl::unexpected<ImportError> Refuse(std::string reason) {
  return tl::unexpected(Plain(std::move(reason)));
}

[[nodiscard]] std::string_view Trim(std::string_view s);
// "1 team", "3 teams".
[[nodiscard]] std::string Count(int64_t number, std::string_view one, std::string_view many);
// A domain error's message under the CSV column's name: "email is empty" read in the
// line_manager_email column is "line_manager_email is empty".
[[nodiscard]] std::string Renamed(std::string message, std::string_view from, std::string_view to);

// Calls options.progress, if any.
inline void Report(const ImportOptions& options, int64_t done, int64_t total) {
  if (options.progress) options.progress(done, total);
}

// Runs `body(organisation)` inside a new transaction on `store` and commits when it succeeds;
// any error rolls everything back.
template <class Body>
[[nodiscard]] ImportResult InTransaction(store::Store& store, domain::OrgId org, Body&& body) {
  auto transaction = store.Begin();
  if (!transaction) return Refuse(transaction.error().message);
  auto organisation = store.GetOrganisation(org);
  if (!organisation) return Refuse(organisation.error().message);
  ImportResult done = std::forward<Body>(body)(*organisation);
  if (!done) return done;  // the transaction rolls back
  if (auto committed = transaction->Commit(); !committed) {
    return Refuse(committed.error().message);
  }
  return done;
}

}  // namespace everyseat::imports::detail
