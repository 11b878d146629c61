// The base of every device on the backplane.
#pragma once

#include <string>
#include <utility>

namespace glasspc {

class Archive;

class Device {
 public:
  explicit Device(std::string name) : m_name(std::move(name)) {}
  virtual ~Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  // Unique within a machine; used in traces ("com1.LCR") and as the snapshot section name.
  const std::string& name() const { return m_name; }

  // Puts the device in its power-on / system-reset state (a machine reset calls this).
  virtual void reset() = 0;
  // Saves or loads the device's whole state (see Archive). Called inside a section named
  // after the device, so field names are local ("lcr", not "com1.lcr").
  virtual void serialize(Archive& archive) = 0;

 private:
  std::string m_name;
};

}  // namespace glasspc
