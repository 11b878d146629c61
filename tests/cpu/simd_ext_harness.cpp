// See simd_ext_harness.h.
#include "simd_ext_harness.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cstring>

namespace glasspc::test::simd_ext {

namespace {

constexpr unsigned kXmmOffset = 0, kMmOffset = 256, kGprOffset = 320, kFlagsOffset = 448;
static_assert(offsetof(Image, mm) == kMmOffset && offsetof(Image, gpr) == kGprOffset &&
              offsetof(Image, flags) == kFlagsOffset);
constexpr u64 kGuestRsp = 0x7000;
constexpr unsigned kPageSize = 4096;

// Edge values per lane width.
constexpr u64 kEdges8[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff};
constexpr u64 kEdges16[] = {0x0000, 0x0001, 0x7fff, 0x8000, 0x8001, 0xfffe, 0xffff, 0x00ff, 0xff00};
constexpr u64 kEdges32[] = {0,          1,          0x7fffffff, 0x80000000, 0x80000001,
                            0xfffffffe, 0xffffffff, 0x0000ffff, 0xffff0000};
constexpr u64 kEdges64[] = {0,
                            1,
                            0x7fffffffffffffff,
                            0x8000000000000000,
                            0xffffffffffffffff,
                            0x00000000ffffffff,
                            0xffffffff00000000};

template <std::size_t N>
u64 pick(Gen& g, const u64 (&edges)[N], unsigned bits) {
  if (g.chance(50)) return edges[g.below(N)];
  return bits == 64 ? g.bits() : g.bits() & ((u64{1} << bits) - 1);
}

void emit32(std::vector<u8>& c, u32 v) {
  for (int i = 0; i < 4; ++i) c.push_back(static_cast<u8>(v >> (8 * i)));
}

// `op [rdi + disp32]` with ModRM.reg = reg & 7 (the caller adds REX.R).
void rdi_operand(std::vector<u8>& c, unsigned reg, u32 disp) {
  c.push_back(static_cast<u8>(0x80 | ((reg & 7) << 3) | 7));
  emit32(c, disp);
}

}  // namespace

std::vector<u8> encode(const Encoding& e) {
  std::vector<u8> c;
  if (e.opsize) c.push_back(0x66);
  if (e.prefix) c.push_back(e.prefix);
  const u8 rex = static_cast<u8>(0x40 | (e.rex_w ? 8 : 0) | ((e.reg & 8) ? 4 : 0) |
                                 (!e.rm.mem && (e.rm.n & 8) ? 1 : 0));
  if (rex != 0x40 || e.rex) c.push_back(rex);
  c.insert(c.end(), {0x0f, e.map, e.op});
  if (e.rm.mem) {
    c.push_back(static_cast<u8>(0x40 | ((e.reg & 7) << 3) | kRsi));
    c.push_back(static_cast<u8>(e.rm.disp));
  } else {
    c.push_back(static_cast<u8>(0xc0 | ((e.reg & 7) << 3) | (e.rm.n & 7)));
  }
  if (e.imm) c.push_back(*e.imm);
  return c;
}

std::string hex(const std::vector<u8>& bytes) {
  std::string s;
  for (u8 b : bytes) s += fmt::format("{:02x} ", b);
  return s;
}

u64 Gen::qword() {
  u64 r = 0;
  switch (below(5)) {
    case 0:
      return bits();
    case 1:
      for (unsigned s = 0; s < 64; s += 8) r |= pick(*this, kEdges8, 8) << s;
      return r;
    case 2:
      for (unsigned s = 0; s < 64; s += 16) r |= pick(*this, kEdges16, 16) << s;
      return r;
    case 3:
      for (unsigned s = 0; s < 64; s += 32) r |= pick(*this, kEdges32, 32) << s;
      return r;
    default:
      return pick(*this, kEdges64, 64);
  }
}

Vec128 Gen::string_vec(bool words) {
  static constexpr u16 kAlphabet[] = {0x0000, 0x0061, 0x0062, 0x0063, 0x007f,
                                      0x0080, 0x00ff, 0x8000, 0xffff, 0x0161};
  Vec128 v;
  const unsigned n = words ? 8 : 16;
  const unsigned alphabet = chance(20) ? 10 : 4;  // mostly letters that repeat
  for (unsigned k = 0; k < n; ++k) {
    u16 e = chance(10) ? static_cast<u16>(bits()) : kAlphabet[1 + below(alphabet - 1)];
    if (chance(6)) e = 0;
    if (words)
      v.set_word(k, e);
    else
      v.set_byte(k, static_cast<u8>(e));
  }
  return v;
}

i64 Gen::string_length(bool rex_w) {
  switch (below(6)) {
    case 0:
      return static_cast<i64>(bits());  // anything, including huge magnitudes
    case 1: {
      static constexpr i64 kEdges[] = {0,
                                       8,
                                       16,
                                       -8,
                                       -16,
                                       17,
                                       -17,
                                       INT32_MIN,
                                       INT32_MAX,
                                       INT64_MIN,
                                       INT64_MAX,
                                       i64{1} << 32,
                                       -(i64{1} << 32)};
      return kEdges[below(sizeof(kEdges) / sizeof(kEdges[0]))];
    }
    default: {
      const i64 v = static_cast<i64>(below(41)) - 20;
      // Without REX.W only EAX/EDX count: random upper halves must be ignored.
      return rex_w ? v : static_cast<i64>((bits() << 32) | static_cast<u32>(v));
    }
  }
}

Image Gen::image() {
  Image im{};
  for (auto& x : im.xmm) x = vec();
  for (auto& m : im.mm) m = qword();
  for (auto& r : im.gpr) r = qword();
  im.flags = 0x202 | (bits() & flag::kArith);
  return im;
}

Data Gen::data() {
  Data d;
  for (unsigned k = 0; k < kDataSize; k += 8) {
    const u64 q = qword();
    std::memcpy(d.bytes + k, &q, 8);
  }
  return d;
}

Runner::Runner(bool code32) : m_code32(code32) {
  void* p = mmap(nullptr, kPageSize, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m_page = p == MAP_FAILED ? nullptr : static_cast<u8*>(p);
  if (code32) {
    m_machine.boot_flat32(kCodeGpa, kGuestRsp);
    PmEnv::install(m_machine, false);
  } else {
    PmEnv::install(m_machine, true);
    PmEnv::enter_long_mode(m_machine, kCodeGpa);
  }
}

Runner::~Runner() {
  if (m_page) munmap(m_page, kPageSize);
}

bool Runner::native_ok() const {
  return m_page != nullptr;
}

// Native: rdi = Image*. Saves the callee-saved registers, loads every xmm, mm and general register
// but rsp/rdi and the flags from the image, runs the instruction, stores them back, EMMS.
Result Runner::native(const std::vector<u8>& code, const Image& in, const Data& data) {
  Result r;
  r.image = in;
  r.data = data;
  r.image.gpr[kRsi] = reinterpret_cast<u64>(r.data.bytes);
  std::vector<u8> c;
  c.insert(c.end(), {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});
  for (unsigned k = 0; k < 16; ++k) {  // movdqu xmm_k, [rdi + 16k]
    c.push_back(0xf3);
    if (k & 8) c.push_back(0x44);
    c.insert(c.end(), {0x0f, 0x6f});
    rdi_operand(c, k, kXmmOffset + 16 * k);
  }
  for (unsigned k = 0; k < 8; ++k) {  // movq mm_k, [rdi + 256 + 8k]
    c.insert(c.end(), {0x0f, 0x6f});
    rdi_operand(c, k, kMmOffset + 8 * k);
  }
  for (unsigned k = 0; k < 16; ++k) {  // mov r_k, [rdi + 320 + 8k]
    if (k == kRsp || k == kRdi) continue;
    c.insert(c.end(), {static_cast<u8>((k & 8) ? 0x4c : 0x48), 0x8b});
    rdi_operand(c, k, kGprOffset + 8 * k);
  }
  c.push_back(0xff);  // push qword [rdi + 448]; popfq
  rdi_operand(c, 6, kFlagsOffset);
  c.push_back(0x9d);
  c.insert(c.end(), code.begin(), code.end());
  c.push_back(0x9c);  // pushfq; pop qword [rdi + 448]
  c.push_back(0x8f);
  rdi_operand(c, 0, kFlagsOffset);
  for (unsigned k = 0; k < 16; ++k) {
    if (k == kRsp || k == kRdi) continue;
    c.insert(c.end(), {static_cast<u8>((k & 8) ? 0x4c : 0x48), 0x89});
    rdi_operand(c, k, kGprOffset + 8 * k);
  }
  for (unsigned k = 0; k < 16; ++k) {  // movdqu [rdi + 16k], xmm_k
    c.push_back(0xf3);
    if (k & 8) c.push_back(0x44);
    c.insert(c.end(), {0x0f, 0x7f});
    rdi_operand(c, k, kXmmOffset + 16 * k);
  }
  for (unsigned k = 0; k < 8; ++k) {  // movq [rdi + 256 + 8k], mm_k
    c.insert(c.end(), {0x0f, 0x7f});
    rdi_operand(c, k, kMmOffset + 8 * k);
  }
  c.insert(c.end(), {0x0f, 0x77});  // emms
  c.insert(c.end(), {0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3});
  std::memcpy(m_page, c.data(), c.size());
  reinterpret_cast<void (*)(Image*)>(m_page)(&r.image);
  r.image.gpr[kRsi] = in.gpr[kRsi];
  return r;
}

Result Runner::guest(const std::vector<u8>& code, const Image& in, const Data& data) {
  CpuTestMachine& m = m_machine;
  std::vector<u8> bytes = code;
  bytes.push_back(0xf4);  // hlt
  m.load(kCodeGpa, bytes);
  m.load(kDataGpa, std::vector<u8>(data.bytes, data.bytes + kDataSize));
  X86State& s = m.regs();
  for (unsigned k = 0; k < 16; ++k) {
    s.xmm[k] = in.xmm[k];
    s.gpr[k] = in.gpr[k];
  }
  s.gpr[kRsi] = guest_rsi;
  s.gpr[kRsp] = kGuestRsp;
  s.x87.fsw = x87_fsw;
  s.x87.ftw = x87_ftw;
  for (unsigned k = 0; k < 8; ++k) s.x87.reg[k] = fp::F80{in.mm[k], 0x3fff};
  s.cr0 = ((s.cr0 | cr0::MP | cr0::NE) & ~cr0::EM & ~cr0::TS & ~cr0_clear) | cr0_set;
  s.cr4 = (s.cr4 | cr4::OSFXSR | cr4::OSXMMEXCPT) & ~cr4_clear;
  s.rip = kCodeGpa;
  m.cpu().set_rflags(in.flags);
  m.cpu().state_changed();
  m.cpu().wake();
  m.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
  m.run_until_halt();

  Result r;
  r.vector = PmEnv::vector(m);
  if (r.vector != PmEnv::kNoVector) r.error_code = PmEnv::frame(m, 0, m_code32 ? 4 : 8);
  for (unsigned k = 0; k < 16; ++k) {
    r.image.xmm[k] = s.xmm[k];
    r.image.gpr[k] = s.gpr[k];
  }
  r.image.gpr[kRsi] = in.gpr[kRsi];
  for (unsigned k = 0; k < 8; ++k) r.image.mm[k] = s.x87.reg[k].significand;
  r.image.flags = m.cpu().rflags();
  m.machine().memory().read_bytes(kDataGpa, r.data.bytes, kDataSize);
  r.fsw = s.x87.fsw;
  r.ftw = s.x87.ftw;
  return r;
}

std::string compare(const Result& want, const Result& got, bool mmx) {
  std::string d;
  if (got.vector != PmEnv::kNoVector) d += fmt::format("glasspc raised vector {}; ", got.vector);
  auto vec = [](const Vec128& v) { return fmt::format("{:016x}:{:016x}", v.hi, v.lo); };
  for (unsigned k = 0; k < 16; ++k) {
    if (want.image.xmm[k] != got.image.xmm[k]) {
      d += fmt::format("xmm{} want {} got {}; ", k, vec(want.image.xmm[k]), vec(got.image.xmm[k]));
    }
  }
  if (mmx) {
    for (unsigned k = 0; k < 8; ++k) {
      if (want.image.mm[k] != got.image.mm[k]) {
        d += fmt::format("mm{} want {:016x} got {:016x}; ", k, want.image.mm[k], got.image.mm[k]);
      }
    }
  }
  for (unsigned k = 0; k < 16; ++k) {
    if (k == kRsp || k == kRdi) continue;
    if (want.image.gpr[k] != got.image.gpr[k]) {
      d += fmt::format("gpr{} want {:016x} got {:016x}; ", k, want.image.gpr[k], got.image.gpr[k]);
    }
  }
  const u64 wf = want.image.flags & flag::kArith, gf = got.image.flags & flag::kArith;
  if (wf != gf) d += fmt::format("flags want {:03x} got {:03x}; ", wf, gf);
  if (std::memcmp(want.data.bytes, got.data.bytes, kDataSize) != 0) d += "memory differs; ";
  return d;
}

}  // namespace glasspc::test::simd_ext
