// Fresh, empty databases for the store's conformance and durability tests, one per test:
//
// - sqlite: a new file in a new temporary directory, removed afterwards;
// - postgresql: a new schema in the database named by EVERYSEAT_TEST_POSTGRES (a libpq
//   conninfo; scripts/with-postgres sets it), selected through search_path and dropped afterwards.
//
// TestEngines() lists both engines, always, so the list of tests is the same in every build.
// Without EVERYSEAT_TEST_POSTGRES a PostgreSQL test cannot run: in CI (CI=true) it then fails
// with a message saying why (in CI no store test may be skipped); elsewhere it is skipped.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "everyseat/store/store.h"

namespace everyseat::store::testing {

[[nodiscard]] std::vector<std::string> TestEngines();

class TestDatabase {
 public:
  // A fresh database for `engine`; check ok() (and error()) before use.
  explicit TestDatabase(const std::string& engine);
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  ~TestDatabase();

  [[nodiscard]] bool ok() const { return error_.empty(); }
  // True when the database is missing only because PostgreSQL was not provided outside CI.
  [[nodiscard]] bool skip() const { return skip_; }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& engine() const { return engine_; }
  // The URL for Store::Open.
  [[nodiscard]] const std::string& url() const { return url_; }

  // Runs `sql` on a connection of its own (not through a Store) and returns the first column of
  // every row as text ("" for NULL), or the error as the only element prefixed "ERROR: ".
  [[nodiscard]] std::vector<std::string> Query(const std::string& sql) const;

 private:
  std::string engine_;
  std::string url_;
  std::string error_;
  bool skip_ = false;
  std::string dir_;       // sqlite: the temporary directory
  std::string path_;      // sqlite: the file
  std::string conninfo_;  // postgresql: the server
  std::string schema_;    // postgresql: this test's schema
};

}  // namespace everyseat::store::testing
