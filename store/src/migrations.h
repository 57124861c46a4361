// The schema migrations compiled into the program from store/migrations/NNNN_name.sql, in
// version order. Internal. Thread-safety: constant data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace everyseat::store::detail {

struct Migration {
  int64_t version;
  std::string_view name;
  std::string_view sql;  // may contain {{id}}; see 0001_initial.sql
};

[[nodiscard]] std::span<const Migration> Migrations();

}  // namespace everyseat::store::detail
