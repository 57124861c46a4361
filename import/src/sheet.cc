// A parsed CSV file and the errors that name its lines (import.h), and the helpers the imports
// share (internal.h).
#include <utility>

#include "everyseat/import/import.h"
#include "internal.h"

namespace everyseat::imports {

namespace detail {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Count(int64_t number, std::string_view one, std::string_view many) {
  return std::to_string(number) + " " + std::string(number == 1 ? one : many);
}

std::string Renamed(std::string message, std::string_view from, std::string_view to) {
  if (message.starts_with(from)) message = std::string(to) + message.substr(from.size());
  return message;
}

}  // namespace detail

tl::expected<Sheet, ImportError> Sheet::Parse(std::string text, std::string file) {
  auto table = codec::ParseCsv(std::move(text));
  if (!table) {
    return tl::unexpected(
        ImportError{file + ":" + std::to_string(table.error().line) + ": " + table.error().reason,
                    table.error().line, table.error().reason});
  }
  return Sheet(std::move(*table), std::move(file));
}

tl::expected<size_t, ImportError> Sheet::Require(std::string_view name) const {
  if (std::optional<size_t> column = table_.Find(name)) return *column;
  return tl::unexpected(Error(table_.header_line(), "missing column '" + std::string(name) + "'"));
}

std::string_view Sheet::Cell(size_t row, std::optional<size_t> column) const {
  return column ? detail::Trim(table_.cell(row, *column)) : std::string_view();
}

ImportError Sheet::Error(int64_t line, std::string_view reason) const {
  return ImportError{file_ + ":" + std::to_string(line) + ": " + std::string(reason), line,
                     std::string(reason)};
}

}  // namespace everyseat::imports
