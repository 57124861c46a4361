// Reading cells of a Rows (rows.h). Thread-safety: see rows.h.
#include "rows.h"

#include <charconv>
#include <cstdlib>
#include <string>

namespace everyseat::store::detail {

int64_t Rows::Int(size_t row, size_t col) const {
  const Cell& c = At(row, col);
  if (const auto* i = std::get_if<int64_t>(&c)) return *i;
  if (const auto* d = std::get_if<double>(&c)) return static_cast<int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&c)) {
    int64_t v = 0;
    std::from_chars(s->data(), s->data() + s->size(), v);
    return v;
  }
  return 0;
}

double Rows::Double(size_t row, size_t col) const {
  const Cell& c = At(row, col);
  if (const auto* d = std::get_if<double>(&c)) return *d;
  if (const auto* i = std::get_if<int64_t>(&c)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&c)) {
    double v = 0;
    std::from_chars(s->data(), s->data() + s->size(), v);
    return v;
  }
  return 0;
}

std::string Rows::Text(size_t row, size_t col) const {
  const Cell& c = At(row, col);
  if (const auto* s = std::get_if<std::string>(&c)) return *s;
  if (const auto* i = std::get_if<int64_t>(&c)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&c)) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, *d);
    return std::string(buf, r.ptr);
  }
  return {};
}

}  // namespace everyseat::store::detail
