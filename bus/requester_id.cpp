#include "bus/requester_id.h"

#include <fmt/format.h>

namespace glasspc {

std::string RequesterId::to_string() const {
  return fmt::format("{:02x}:{:02x}.{}", bus(), device(), function());
}

}  // namespace glasspc
