// Versioned, tagged binary serialization for snapshots and recordings.
//
// A device describes its state once, in one `serialize(Archive&)` function that both saves and
// loads (as Dolphin's DoState), but every field has a name and every section a version, so a
// file written by an older build loads into a newer one (fields added later are read with
// optional_field) or fails with a message naming the missing or unknown field.
//
// File layout: "GLASSPC\0", u32 format version, then one root section. A node is
// [u8 tag][u16 name length][name][payload]; a section's payload is [u32 version][u64 length]
// followed by its child nodes. Integers are little-endian.
#pragma once

#include <array>
#include <exception>
#include <concepts>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "bus/types.h"

namespace glasspc {

class ArchiveError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Archive {
 public:
  enum class Mode { Save, Load };

  // An archive that records fields; call finish() to get the bytes.
  static Archive for_saving();
  // Parses `data`; throws ArchiveError if it is not a well-formed glasspc archive.
  static Archive for_loading(std::vector<u8> data);

  Mode mode() const { return m_mode; }
  bool saving() const { return m_mode == Mode::Save; }
  bool loading() const { return m_mode == Mode::Load; }

  // Opens a named section. Saving: writes `version`. Loading: enters the section (ArchiveError
  // if it is missing) and returns the version stored in the file, so the caller can convert.
  u32 begin_section(std::string_view name, u32 version);
  // Loading: fails with an error naming any field of the section that nobody read.
  void end_section();
  // Leaves the current section without checks (used while an error propagates).
  void abandon_section();
  bool has_section(std::string_view name) const;  // loading only
  bool has_field(std::string_view name) const;    // loading only

  template <typename T>
    requires(std::integral<T> || std::is_enum_v<T>)
  void field(std::string_view name, T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      u64 raw = value ? 1 : 0;
      integer(name, raw);
      value = raw != 0;
    } else {
      u64 raw = static_cast<u64>(value);
      integer(name, raw);
      value = static_cast<T>(raw);
    }
  }
  template <typename T, std::size_t N>
    requires(std::integral<T> || std::is_enum_v<T>)
  void field(std::string_view name, std::array<T, N>& values) {
    std::vector<u64> raw(N);
    for (std::size_t i = 0; i < N; ++i) raw[i] = static_cast<u64>(values[i]);
    integers(name, raw, N);
    for (std::size_t i = 0; i < N; ++i) values[i] = static_cast<T>(raw[i]);
  }
  template <typename T>
    requires(std::integral<T> || std::is_enum_v<T>)
  void field(std::string_view name, std::vector<T>& values) {
    std::vector<u64> raw(values.size());
    for (std::size_t i = 0; i < values.size(); ++i) raw[i] = static_cast<u64>(values[i]);
    integers(name, raw, kAnyCount);
    values.resize(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) values[i] = static_cast<T>(raw[i]);
  }
  void field(std::string_view name, std::string& value);
  void field(std::string_view name, std::vector<u8>& bytes);
  // A field added in a later version: loading a file without it yields `fallback`.
  template <typename T>
    requires(std::integral<T> || std::is_enum_v<T>)
  void optional_field(std::string_view name, T& value, T fallback) {
    if (loading() && !has_field(name)) {
      value = fallback;
      return;
    }
    field(name, value);
  }
  // A large fixed-size buffer (guest RAM, VRAM), stored zlib-compressed. Loading fails if the
  // stored size differs from `size`.
  void blob(std::string_view name, u8* data, std::size_t size);

  // Saving: the finished file. Throws if sections are still open.
  std::vector<u8> finish();

 private:
  static constexpr std::size_t kAnyCount = ~std::size_t{0};
  enum class Tag : u8 { Section = 1, Integer = 2, Integers = 3, Bytes = 4, Blob = 5 };
  struct Node {
    Tag tag;
    std::string name;
    u32 version = 0;            // sections
    u64 integer = 0;            // integers
    std::vector<u64> integers;  // integer arrays
    std::vector<u8> bytes;      // bytes and compressed blobs (with blob_size)
    u64 blob_size = 0;
    std::vector<Node> children;  // sections
    bool consumed = false;
  };

  explicit Archive(Mode mode);
  void integer(std::string_view name, u64& value);
  void integers(std::string_view name, std::vector<u64>& values, std::size_t expected_count);
  Node& current();
  Node* find_child(std::string_view name, Tag tag);
  const Node* find_any_child(std::string_view name) const;
  Node& take(std::string_view name, Tag tag);  // loading: finds the field or throws
  void add(Node node);                          // saving: appends to the current section
  std::string path_of(std::string_view name) const;

  static void encode(const Node& node, std::vector<u8>& out);
  static Node decode(const std::vector<u8>& data, std::size_t& pos, std::size_t end, int depth);

  Mode m_mode;
  Node m_root;
  std::vector<Node*> m_stack;  // open sections, root first
};

// RAII section: `ArchiveSection section(ar, "com1", 1);`
class ArchiveSection {
 public:
  ArchiveSection(Archive& archive, std::string_view name, u32 version)
      : m_archive(archive),
        m_version(archive.begin_section(name, version)),
        m_uncaught(std::uncaught_exceptions()) {}
  // While an error propagates the section is only popped, so a second error cannot terminate.
  ~ArchiveSection() noexcept(false) {
    if (std::uncaught_exceptions() == m_uncaught)
      m_archive.end_section();
    else
      m_archive.abandon_section();
  }
  ArchiveSection(const ArchiveSection&) = delete;
  ArchiveSection& operator=(const ArchiveSection&) = delete;
  u32 version() const { return m_version; }

 private:
  Archive& m_archive;
  u32 m_version;
  int m_uncaught;
};

}  // namespace glasspc
