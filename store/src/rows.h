// The values that cross between the shared SQL code (SqlStore) and an engine: statement
// parameters, and a result materialised as cells. Internal to the store.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace everyseat::store::detail {

// A statement parameter. REQUIRES: the characters of a string_view outlive the statement call.
using Param = std::variant<std::monostate, int64_t, double, std::string_view>;

[[nodiscard]] inline Param Null() { return std::monostate{}; }
[[nodiscard]] inline Param Opt(const std::optional<int64_t>& v) {
  return v ? Param(*v) : Param(std::monostate{});
}
[[nodiscard]] inline Param Opt(const std::optional<double>& v) {
  return v ? Param(*v) : Param(std::monostate{});
}

// One cell of a result. SQLite gives typed cells; libpq gives text, converted on reading.
using Cell = std::variant<std::monostate, int64_t, double, std::string>;

// A result: rows of `columns` cells, stored row after row.
class Rows {
 public:
  explicit Rows(size_t columns = 0) : columns_(columns) {}

  [[nodiscard]] size_t size() const { return columns_ == 0 ? 0 : cells_.size() / columns_; }
  [[nodiscard]] bool empty() const { return size() == 0; }
  [[nodiscard]] size_t columns() const { return columns_; }

  // Appends the next cell of the current row. (Typed adders construct the cell in place, which
  // also keeps GCC 12's -Wmaybe-uninitialized quiet about moved-from variants.)
  void AddNull() { cells_.emplace_back(std::in_place_type<std::monostate>); }
  void AddInt(int64_t v) { cells_.emplace_back(std::in_place_type<int64_t>, v); }
  void AddDouble(double v) { cells_.emplace_back(std::in_place_type<double>, v); }
  void AddText(const char* text, size_t n) {
    cells_.emplace_back(std::in_place_type<std::string>, text, n);
  }

  [[nodiscard]] bool IsNull(size_t row, size_t col) const {
    return std::holds_alternative<std::monostate>(At(row, col));
  }
  // A NULL reads as 0, 0.0 or "". Text that is not a number reads as 0.
  [[nodiscard]] int64_t Int(size_t row, size_t col) const;
  [[nodiscard]] double Double(size_t row, size_t col) const;
  [[nodiscard]] std::string Text(size_t row, size_t col) const;
  [[nodiscard]] std::optional<int64_t> OptInt(size_t row, size_t col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Int(row, col);
  }
  [[nodiscard]] std::optional<double> OptDouble(size_t row, size_t col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Double(row, col);
  }
  // The cell as the engine gave it (SQLite: typed; PostgreSQL: text or NULL).
  [[nodiscard]] const Cell& CellAt(size_t row, size_t col) const { return At(row, col); }

 private:
  [[nodiscard]] const Cell& At(size_t row, size_t col) const {
    return cells_[row * columns_ + col];
  }

  size_t columns_;
  std::vector<Cell> cells_;
};

}  // namespace everyseat::store::detail
