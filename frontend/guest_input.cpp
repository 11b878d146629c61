#include "frontend/guest_input.h"

#include <algorithm>
#include <vector>

namespace glasspc {

std::size_t GuestInputQueue::pump() {
  const std::size_t count = std::min(m_receiver.can_receive(), m_pending.size());
  if (count == 0) return 0;
  const std::vector<u8> chunk(m_pending.begin(), m_pending.begin() + static_cast<long>(count));
  m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<long>(count));
  m_input.deliver(m_channel, chunk);
  return count;
}

}  // namespace glasspc
