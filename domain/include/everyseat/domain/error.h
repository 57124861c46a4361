// Errors of the domain rules: which field is wrong and why, in plain English (no trailing full
// stop), so an adapter can name the field in a problem document or a form's error summary.
// Thread-safety: plain values.
#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace everyseat::domain {

struct DomainError {
  std::string field;    // e.g. "email", "path", "denominator"; empty when about no one field
  std::string message;  // e.g. "Enter an email address in the correct format"
  friend bool operator==(const DomainError&, const DomainError&) = default;
};

template <class T>
using Result = tl::expected<T, DomainError>;
using Check = tl::expected<void, DomainError>;

[[nodiscard]] inline tl::unexpected<DomainError> Invalid(std::string field, std::string message) {
  return tl::unexpected<DomainError>(DomainError{std::move(field), std::move(message)});
}

}  // namespace everyseat::domain
