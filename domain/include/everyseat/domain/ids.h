// Strong identifiers: an int64 row id wrapped in a type per entity, so a TeamId cannot be passed
// where a PersonId is expected. A valid id is positive; a default-constructed id (0) means "none
// yet" (an entity not stored) and is never returned by the store for a stored row.
// Thread-safety: plain values.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>

namespace everyseat::domain {

template <class Tag>
struct Id {
  int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(int64_t v) : value(v) {}

  [[nodiscard]] constexpr bool valid() const { return value > 0; }
  friend constexpr auto operator<=>(const Id&, const Id&) = default;
};

using OrgId = Id<struct OrgTag>;
using TeamId = Id<struct TeamTag>;
using PersonId = Id<struct PersonTag>;
using MeasureId = Id<struct MeasureTag>;
using ObservationId = Id<struct ObservationTag>;
using AnnotationId = Id<struct AnnotationTag>;
using TagId = Id<struct TagTag>;  // a configurable value or behaviour
using AuditId = Id<struct AuditTag>;
using SessionId = Id<struct SessionTag>;
using TokenId = Id<struct TokenTag>;
using NotificationId = Id<struct NotificationTag>;
using DeliveryId = Id<struct DeliveryTag>;  // one webhook delivery (a notification to one URL)

}  // namespace everyseat::domain

template <class Tag>
struct std::hash<everyseat::domain::Id<Tag>> {
  size_t operator()(const everyseat::domain::Id<Tag>& id) const noexcept {
    return std::hash<int64_t>{}(id.value);
  }
};
