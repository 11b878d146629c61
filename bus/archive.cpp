#include "bus/archive.h"

#include <fmt/format.h>
#include <zlib.h>

#include <limits>

namespace glasspc {

namespace {

constexpr std::array<u8, 8> kMagic = {'G', 'L', 'A', 'S', 'S', 'P', 'C', '\0'};
constexpr u32 kFormatVersion = 1;
constexpr u32 kRootVersion = 1;
// Deeper nesting than this only comes from corrupt (or hostile) files; it also bounds the
// recursion of the decoder.
constexpr int kMaxDepth = 64;

void put_u8(std::vector<u8>& out, u8 value) {
  out.push_back(value);
}
void put_u16(std::vector<u8>& out, u16 value) {
  for (int i = 0; i < 2; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}
void put_u32(std::vector<u8>& out, u32 value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}
void put_u64(std::vector<u8>& out, u64 value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<u8>(value >> (8 * i)));
}
void patch_u64(std::vector<u8>& out, std::size_t at, u64 value) {
  for (int i = 0; i < 8; ++i) out[at + i] = static_cast<u8>(value >> (8 * i));
}

// Bounds-checked little-endian reader over [pos, end) of a buffer.
class Reader {
 public:
  Reader(const std::vector<u8>& data, std::size_t& pos, std::size_t end)
      : m_data(data), m_pos(pos), m_end(end) {}

  void need(u64 count, const char* what) const {
    if (count > m_end - m_pos)
      throw ArchiveError(
          fmt::format("archive is truncated or corrupt: {} at byte {} needs {} "
                      "bytes, {} left",
                      what, m_pos, count, m_end - m_pos));
  }
  u64 uint(unsigned bytes, const char* what) {
    need(bytes, what);
    u64 value = 0;
    for (unsigned i = 0; i < bytes; ++i) value |= u64{m_data[m_pos + i]} << (8 * i);
    m_pos += bytes;
    return value;
  }
  std::vector<u8> bytes(u64 count, const char* what) {
    need(count, what);
    std::vector<u8> out(m_data.begin() + static_cast<std::ptrdiff_t>(m_pos),
                        m_data.begin() + static_cast<std::ptrdiff_t>(m_pos + count));
    m_pos += count;
    return out;
  }
  std::size_t left() const { return m_end - m_pos; }

 private:
  const std::vector<u8>& m_data;
  std::size_t& m_pos;
  std::size_t m_end;
};

// Indexed by tag value (1..5).
constexpr std::array<const char*, 6> kTagNames = {"unknown",       "section", "integer",
                                                  "integer array", "bytes",   "blob"};
const char* tag_name(u8 tag) {
  return tag < kTagNames.size() ? kTagNames[tag] : "unknown";
}

}  // namespace

Archive::Archive(Mode mode) : m_mode(mode) {
  m_root.tag = Tag::Section;
  m_root.version = kRootVersion;
}

Archive Archive::for_saving() {
  return Archive(Mode::Save);
}

Archive Archive::for_loading(std::vector<u8> data) {
  Archive archive(Mode::Load);
  std::size_t pos = 0;
  Reader reader(data, pos, data.size());
  const std::vector<u8> magic = reader.bytes(kMagic.size(), "magic");
  if (!std::equal(magic.begin(), magic.end(), kMagic.begin()))
    throw ArchiveError("not a glasspc archive (bad magic)");
  const u64 format = reader.uint(4, "format version");
  if (format != kFormatVersion)
    throw ArchiveError(fmt::format("unsupported archive format version {} (this build reads {})",
                                   format, kFormatVersion));
  archive.m_root = decode(data, pos, data.size(), 0);
  if (archive.m_root.tag != Tag::Section)
    throw ArchiveError("archive is corrupt: the root node is not a section");
  if (pos != data.size())
    throw ArchiveError(fmt::format("archive is corrupt: {} bytes of garbage after the root section",
                                   data.size() - pos));
  return archive;
}

// The root section is the bottom of the stack; m_stack holds only the sections opened since, so
// an Archive stays valid when it is moved out of a factory function.
Archive::Node& Archive::current() {
  return m_stack.empty() ? m_root : *m_stack.back();
}

std::string Archive::path_of(std::string_view name) const {
  std::string path;
  for (const Node* section : m_stack) {
    path += section->name;
    path += '.';
  }
  path += name;
  return path;
}

u32 Archive::begin_section(std::string_view name, u32 version) {
  if (saving()) {
    Node node;
    node.tag = Tag::Section;
    node.name = std::string(name);
    node.version = version;
    add(std::move(node));
    m_stack.push_back(&current().children.back());
    return version;
  }
  Node& section = take(name, Tag::Section);
  m_stack.push_back(&section);
  return section.version;
}

void Archive::end_section() {
  if (m_stack.empty()) throw ArchiveError("end_section without an open section");
  if (loading()) {
    const Node& section = *m_stack.back();
    for (const Node& child : section.children) {
      if (child.consumed) continue;
      const std::string path = path_of(child.name);
      m_stack.pop_back();
      throw ArchiveError(fmt::format("snapshot has unknown field '{}'", path));
    }
  }
  m_stack.pop_back();
}

void Archive::abandon_section() {
  if (!m_stack.empty()) m_stack.pop_back();
}

bool Archive::has_section(std::string_view name) const {
  const Node* node = find_any_child(name);
  return node && node->tag == Tag::Section;
}

bool Archive::has_field(std::string_view name) const {
  return find_any_child(name) != nullptr;
}

const Archive::Node* Archive::find_any_child(std::string_view name) const {
  const Node& section = m_stack.empty() ? m_root : *m_stack.back();
  for (const Node& child : section.children)
    if (child.name == name) return &child;
  return nullptr;
}

Archive::Node* Archive::find_child(std::string_view name, Tag tag) {
  for (Node& child : current().children)
    if (child.name == name && child.tag == tag) return &child;
  return nullptr;
}

Archive::Node& Archive::take(std::string_view name, Tag tag) {
  if (Node* node = find_child(name, tag)) {
    node->consumed = true;
    return *node;
  }
  if (const Node* other = find_any_child(name)) {
    throw ArchiveError(fmt::format("snapshot field '{}' is a {} where a {} was expected",
                                   path_of(name), tag_name(static_cast<u8>(other->tag)),
                                   tag_name(static_cast<u8>(tag))));
  }
  throw ArchiveError(fmt::format("snapshot {} '{}' is missing",
                                 tag == Tag::Section ? "section" : "field", path_of(name)));
}

void Archive::add(Node node) {
  if (node.name.size() > std::numeric_limits<u16>::max())
    throw ArchiveError(fmt::format("field name '{}...' is too long", node.name.substr(0, 32)));
  // A second field of the same name would make the file unloadable; catch it while saving.
  for (const Node& child : current().children)
    if (child.name == node.name)
      throw ArchiveError(fmt::format("field '{}' saved twice", path_of(node.name)));
  current().children.push_back(std::move(node));
}

void Archive::integer(std::string_view name, u64& value) {
  if (saving()) {
    Node node;
    node.tag = Tag::Integer;
    node.name = std::string(name);
    node.integer = value;
    add(std::move(node));
    return;
  }
  value = take(name, Tag::Integer).integer;
}

void Archive::integers(std::string_view name, std::vector<u64>& values,
                       std::size_t expected_count) {
  if (saving()) {
    Node node;
    node.tag = Tag::Integers;
    node.name = std::string(name);
    node.integers = values;
    add(std::move(node));
    return;
  }
  const Node& node = take(name, Tag::Integers);
  if (expected_count != kAnyCount && node.integers.size() != expected_count)
    throw ArchiveError(fmt::format("snapshot field '{}' has {} elements, expected {}",
                                   path_of(name), node.integers.size(), expected_count));
  values = node.integers;
}

void Archive::field(std::string_view name, std::string& value) {
  if (saving()) {
    Node node;
    node.tag = Tag::Bytes;
    node.name = std::string(name);
    node.bytes.assign(value.begin(), value.end());
    add(std::move(node));
    return;
  }
  const Node& node = take(name, Tag::Bytes);
  value.assign(node.bytes.begin(), node.bytes.end());
}

void Archive::field(std::string_view name, std::vector<u8>& bytes) {
  if (saving()) {
    Node node;
    node.tag = Tag::Bytes;
    node.name = std::string(name);
    node.bytes = bytes;
    add(std::move(node));
    return;
  }
  bytes = take(name, Tag::Bytes).bytes;
}

void Archive::blob(std::string_view name, u8* data, std::size_t size) {
  if (saving()) {
    Node node;
    node.tag = Tag::Blob;
    node.name = std::string(name);
    node.blob_size = size;
    uLongf compressed_size = compressBound(static_cast<uLong>(size));
    node.bytes.resize(compressed_size);
    // Level 1: snapshots of large RAM must be quick; mostly-zero RAM still shrinks enormously.
    const int rc =
        compress2(node.bytes.data(), &compressed_size, data, static_cast<uLong>(size), 1);
    if (rc != Z_OK)
      throw ArchiveError(fmt::format("cannot compress '{}' (zlib error {})", path_of(name), rc));
    node.bytes.resize(compressed_size);
    add(std::move(node));
    return;
  }
  const Node& node = take(name, Tag::Blob);
  if (node.blob_size != size)
    throw ArchiveError(fmt::format("snapshot field '{}' holds {} bytes, this machine has {}",
                                   path_of(name), node.blob_size, size));
  uLongf out_size = static_cast<uLongf>(size);
  const int rc =
      uncompress(data, &out_size, node.bytes.data(), static_cast<uLong>(node.bytes.size()));
  if (rc != Z_OK || out_size != size)
    throw ArchiveError(
        fmt::format("snapshot field '{}' is corrupt (zlib error {})", path_of(name), rc));
}

std::vector<u8> Archive::finish() {
  if (!saving()) throw ArchiveError("finish() called on an archive opened for loading");
  if (!m_stack.empty())
    throw ArchiveError(fmt::format("section '{}' is still open", m_stack.back()->name));
  std::vector<u8> out(kMagic.begin(), kMagic.end());
  put_u32(out, kFormatVersion);
  encode(m_root, out);
  return out;
}

void Archive::encode(const Node& node, std::vector<u8>& out) {
  put_u8(out, static_cast<u8>(node.tag));
  put_u16(out, static_cast<u16>(node.name.size()));
  out.insert(out.end(), node.name.begin(), node.name.end());
  switch (node.tag) {
    case Tag::Section: {
      put_u32(out, node.version);
      const std::size_t length_at = out.size();
      put_u64(out, 0);
      for (const Node& child : node.children) encode(child, out);
      patch_u64(out, length_at, out.size() - length_at - 8);
      break;
    }
    case Tag::Integer:
      put_u64(out, node.integer);
      break;
    case Tag::Integers:
      put_u64(out, node.integers.size());
      for (u64 value : node.integers) put_u64(out, value);
      break;
    case Tag::Bytes:
      put_u64(out, node.bytes.size());
      out.insert(out.end(), node.bytes.begin(), node.bytes.end());
      break;
    case Tag::Blob:
      put_u64(out, node.blob_size);
      put_u64(out, node.bytes.size());
      out.insert(out.end(), node.bytes.begin(), node.bytes.end());
      break;
  }
}

Archive::Node Archive::decode(const std::vector<u8>& data, std::size_t& pos, std::size_t end,
                              int depth) {
  if (depth > kMaxDepth)
    throw ArchiveError(
        fmt::format("archive is corrupt: sections nested deeper than {}", kMaxDepth));
  Reader reader(data, pos, end);
  Node node;
  const u64 tag = reader.uint(1, "tag");
  if (tag < static_cast<u8>(Tag::Section) || tag > static_cast<u8>(Tag::Blob))
    throw ArchiveError(fmt::format("archive is corrupt: bad tag {} at byte {}", tag, pos - 1));
  node.tag = static_cast<Tag>(tag);
  const u64 name_length = reader.uint(2, "name length");
  const std::vector<u8> name = reader.bytes(name_length, "name");
  node.name.assign(name.begin(), name.end());
  switch (node.tag) {
    case Tag::Section: {
      node.version = static_cast<u32>(reader.uint(4, "section version"));
      const u64 length = reader.uint(8, "section length");
      reader.need(length, "section body");
      const std::size_t body_end = pos + length;
      while (pos < body_end) node.children.push_back(decode(data, pos, body_end, depth + 1));
      break;
    }
    case Tag::Integer:
      node.integer = reader.uint(8, "integer");
      break;
    case Tag::Integers: {
      const u64 count = reader.uint(8, "array length");
      if (count > reader.left() / 8)
        throw ArchiveError(
            fmt::format("archive is truncated or corrupt: array of {} elements at "
                        "byte {} does not fit in {} bytes",
                        count, pos, reader.left()));
      node.integers.resize(count);
      for (u64& value : node.integers) value = reader.uint(8, "array element");
      break;
    }
    case Tag::Bytes:
      node.bytes = reader.bytes(reader.uint(8, "byte count"), "bytes");
      break;
    case Tag::Blob: {
      node.blob_size = reader.uint(8, "blob size");
      node.bytes = reader.bytes(reader.uint(8, "compressed size"), "blob");
      break;
    }
  }
  return node;
}

}  // namespace glasspc
