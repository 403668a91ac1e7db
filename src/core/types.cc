#include "core/types.h"

namespace sessionrec {

std::string_view EventTypeName(EventType t) {
  switch (t) {
    case EventType::kClick:
      return "clicks";
    case EventType::kCart:
      return "carts";
    case EventType::kOrder:
      return "orders";
  }
  return "unknown";
}

std::optional<EventType> ParseEventType(std::string_view name) {
  if (name == "clicks") return EventType::kClick;
  if (name == "carts") return EventType::kCart;
  if (name == "orders") return EventType::kOrder;
  return std::nullopt;
}

}  // namespace sessionrec
