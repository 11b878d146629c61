// Differential tests against the host CPU: seeded random instructions (every operand size,
// register and memory forms, edge values) run natively and in glasspc in 64-bit mode; all
// general registers, the flags the SDM defines for the instruction, and the touched memory must
// agree. GLASSPC_DIFF_CASES sets the number of cases (a soak run uses millions).
#include <fmt/format.h>
#include <sys/mman.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

#if defined(__x86_64__)

namespace {

constexpr u64 kCodeGpa = 0x10000;
constexpr u64 kDataGpa = 0x20000;
constexpr u64 kStackGpa = 0x21000;
constexpr unsigned kDataSize = 256;
constexpr unsigned kStackSize = 256;
constexpr unsigned kStackStart = 192;  // initial RSP offset in the stack buffer
constexpr u64 kAllFlags = flag::kArith;
constexpr unsigned kBase = kR15;  // memory operands are [r15 + disp8]

struct CpuImage {
  u64 gpr[16];
  u64 flags;
};

// Native runner: loads CpuImage, runs the code, stores CpuImage (SysV: rdi = image).
class NativeRunner {
 public:
  NativeRunner() {
    m_mem = static_cast<u8*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE | PROT_EXEC,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  }
  ~NativeRunner() { munmap(m_mem, 8192); }
  bool ok() const { return m_mem != MAP_FAILED; }

  // The body runs on image.gpr[kRsp] (a test buffer); the host stack pointer is parked in a
  // slot of the code page meanwhile.
  void run(const std::vector<u8>& body, CpuImage& image) {
    const u64 slots = reinterpret_cast<u64>(m_mem) + 4096;  // host rsp, guest rax, guest rsp
    std::vector<u8> c;
    auto emit = [&](std::initializer_list<u8> bytes) { c.insert(c.end(), bytes); };
    auto emit64 = [&](u64 v) {
      for (int i = 0; i < 8; ++i) c.push_back(static_cast<u8>(v >> (8 * i)));
    };
    emit({0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push rbx..r15
    emit({0x57});                                                        // push rdi (image)
    emit({0x48, 0x89, 0xe0, 0x48, 0xa3});  // mov rax, rsp; mov [slot0], rax
    emit64(slots);
    emit({0xff, 0xb7, 0x80, 0x00, 0x00, 0x00, 0x9d});  // push qword [rdi+128]; popfq
    for (unsigned r = 0; r < 16; ++r) {
      if (r == kRdi) continue;
      // mov r, [rdi + 8*r]
      emit({static_cast<u8>(0x48 | ((r & 8) ? 4 : 0)), 0x8b, static_cast<u8>(0x47 | ((r & 7) << 3)),
            static_cast<u8>(8 * r)});
    }
    emit({0x48, 0x8b, 0x7f, 0x38});  // mov rdi, [rdi + 56]
    c.insert(c.end(), body.begin(), body.end());
    emit({0x48, 0xa3});  // mov [slot1], rax
    emit64(slots + 8);
    emit({0x48, 0x89, 0xe0, 0x48, 0xa3});  // mov rax, rsp; mov [slot2], rax
    emit64(slots + 16);
    emit({0x48, 0xa1});  // mov rax, [slot0]
    emit64(slots);
    emit({0x48, 0x89, 0xc4});              // mov rsp, rax
    emit({0x9c, 0x57});                    // pushfq; push rdi
    emit({0x48, 0x8b, 0x7c, 0x24, 0x10});  // mov rdi, [rsp + 16]
    for (unsigned r = 0; r < 16; ++r) {
      if (r == kRsp || r == kRdi || r == kRax) continue;
      emit({static_cast<u8>(0x48 | ((r & 8) ? 4 : 0)), 0x89, static_cast<u8>(0x47 | ((r & 7) << 3)),
            static_cast<u8>(8 * r)});
    }
    emit({0x48, 0xa1});  // mov rax, [slot1]; mov [rdi], rax
    emit64(slots + 8);
    emit({0x48, 0x89, 0x07});
    emit({0x48, 0xa1});  // mov rax, [slot2]; mov [rdi+32], rax
    emit64(slots + 16);
    emit({0x48, 0x89, 0x47, 0x20});
    emit({0x58, 0x48, 0x89, 0x47, 0x38});                    // pop rax; mov [rdi+56], rax
    emit({0x58, 0x48, 0x89, 0x87, 0x80, 0x00, 0x00, 0x00});  // pop rax; mov [rdi+128], rax
    emit({0x5f});                                            // pop rdi
    emit({0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3});
    std::memcpy(m_mem, c.data(), c.size());
    reinterpret_cast<void (*)(CpuImage*)>(m_mem)(&image);
  }

 private:
  u8* m_mem = nullptr;
};

struct Case {
  std::vector<u8> code;
  u64 defined_flags = kAllFlags;
  std::string name;
  u32 data_pointers = 0;  // registers holding addresses in the data buffer (compared relative)
};

class Generator {
 public:
  explicit Generator(u64 seed) : m_rng(seed) {}

  u64 value() {
    switch (m_rng() % 8) {
      case 0:
        return 0;
      case 1:
        return ~u64{0};
      case 2:
        return u64{1} << (m_rng() % 64);
      case 3:
        return (u64{1} << (m_rng() % 64)) - 1;
      case 4:
        return m_rng() % 256;
      default:
        return m_rng();
    }
  }
  unsigned reg() {  // any register but RSP and the memory base
    for (;;) {
      const unsigned r = m_rng() % 16;
      if (r != kRsp && r != kBase) return r;
    }
  }
  unsigned size() {
    static constexpr unsigned kSizes[] = {1, 2, 4, 8};
    return kSizes[m_rng() % 4];
  }
  bool coin() { return m_rng() & 1; }
  u32 below(u32 n) { return static_cast<u32>(m_rng() % n); }

  // Emits [66] [REX] opcode ModRM [disp8] for a reg/rm pair. rm < 0 means [r15 + disp].
  void modrm(std::vector<u8>& c, unsigned size, std::initializer_list<u8> opcode, unsigned reg,
             int rm, bool force_rex = false) {
    if (size == 2) c.push_back(0x66);
    u8 rex = 0x40;
    if (size == 8) rex |= 8;
    if (reg & 8) rex |= 4;
    const unsigned rm_reg = rm < 0 ? kBase : static_cast<unsigned>(rm);
    if (rm_reg & 8) rex |= 1;
    // Byte registers 4-7 mean SPL..DIL with a REX prefix, AH..BH without one.
    const bool byte_high = size == 1 && ((reg >= 4 && reg < 8) || (rm >= 4 && rm < 8));
    if (rex != 0x40 || force_rex || (byte_high && coin())) c.push_back(rex);
    c.insert(c.end(), opcode);
    if (rm < 0) {
      c.push_back(static_cast<u8>(0x40 | ((reg & 7) << 3) | (kBase & 7)));
      c.push_back(static_cast<u8>(8 * below(15)));  // disp8 0..112: stays in the buffer
    } else {
      c.push_back(static_cast<u8>(0xc0 | ((reg & 7) << 3) | (rm & 7)));
    }
  }
  int rm_operand() { return below(3) == 0 ? -1 : static_cast<int>(reg()); }
  void imm(std::vector<u8>& c, unsigned bytes) {
    const u64 v = value();
    for (unsigned i = 0; i < bytes; ++i) c.push_back(static_cast<u8>(v >> (8 * i)));
  }

  Case next();

 private:
  std::mt19937_64 m_rng;
};

Case Generator::next() {
  Case k;
  auto& c = k.code;
  const unsigned sz = size();
  const u8 w = sz == 1 ? 0 : 1;  // byte/word opcode bit
  switch (below(25)) {
    case 0: {  // ALU r/m, r  and  r, r/m
      const u8 op = static_cast<u8>(below(8) << 3);
      const bool to_reg = coin();
      modrm(c, sz, {static_cast<u8>(op | (to_reg ? 2 : 0) | w)}, reg(), rm_operand());
      k.defined_flags =
          (op == 0x08 || op == 0x20 || op == 0x30) ? kAllFlags & ~flag::AF : kAllFlags;
      k.name = "alu";
      break;
    }
    case 1: {  // group 1: r/m, imm
      const unsigned op = below(8);
      const bool imm8s = sz != 1 && coin();
      modrm(c, sz, {static_cast<u8>(sz == 1 ? 0x80 : imm8s ? 0x83 : 0x81)}, op, rm_operand());
      imm(c, sz == 1 || imm8s ? 1 : sz == 2 ? 2 : 4);
      k.defined_flags = (op == 1 || op == 4 || op == 6) ? kAllFlags & ~flag::AF : kAllFlags;
      k.name = "alu-imm";
      break;
    }
    case 2: {  // INC/DEC/NOT/NEG
      const unsigned op = below(4);
      if (op < 2)
        modrm(c, sz, {static_cast<u8>(0xfe | w)}, op, rm_operand());
      else
        modrm(c, sz, {static_cast<u8>(0xf6 | w)}, op, rm_operand());
      k.name = "unary";
      break;
    }
    case 3: {  // shifts and rotates by imm8 / 1 / CL
      const unsigned op = below(8) == 6 ? 4 : below(8);
      const unsigned form = below(3);
      unsigned count = below(sz == 8 ? 70 : 40);
      if (form == 1) count = 1;
      if (form == 2) {
        c.insert(c.end(), {0xb1, static_cast<u8>(count)});  // mov cl, count
      }
      int target = rm_operand();
      if (form == 2 && target == static_cast<int>(kRcx)) target = -1;
      modrm(c, sz, {static_cast<u8>((form == 0 ? 0xc0 : form == 1 ? 0xd0 : 0xd2) | w)}, op, target);
      if (form == 0) c.push_back(static_cast<u8>(count));
      const unsigned masked = count & (sz == 8 ? 63 : 31);
      if (masked == 0) {
        k.defined_flags = kAllFlags;  // nothing changes
      } else if (op < 4) {
        // Rotates: CF always, OF only for a count of 1; SF/ZF/AF/PF are unaffected.
        k.defined_flags = kAllFlags & ~(masked == 1 ? 0 : flag::OF);
      } else {
        // Shifts: AF undefined, OF only for a count of 1, CF undefined once the count reaches
        // the operand size.
        k.defined_flags = kAllFlags & ~flag::AF & ~(masked == 1 ? 0 : flag::OF);
        if (masked >= 8 * sz) k.defined_flags &= ~flag::CF;
      }
      k.name = "shift";
      break;
    }
    case 4: {  // MUL/IMUL one operand
      modrm(c, sz, {static_cast<u8>(0xf6 | w)}, 4 + below(2), rm_operand());
      k.defined_flags = flag::CF | flag::OF;
      k.name = "mul";
      break;
    }
    case 5: {  // IMUL r, r/m [, imm]
      if (sz == 1) return next();
      const unsigned form = below(3);
      if (form == 0) modrm(c, sz, {0x0f, 0xaf}, reg(), rm_operand());
      if (form == 1) {
        modrm(c, sz, {0x6b}, reg(), rm_operand());
        imm(c, 1);
      }
      if (form == 2) {
        modrm(c, sz, {0x69}, reg(), rm_operand());
        imm(c, sz == 2 ? 2 : 4);
      }
      k.defined_flags = flag::CF | flag::OF;
      k.name = "imul";
      break;
    }
    case 6: {  // DIV/IDIV with a dividend that cannot overflow
      // Not part of the dividend, and not a byte register whose meaning depends on REX.
      unsigned divisor = reg();
      while (divisor == kRax || divisor == kRdx || (divisor >= 4 && divisor < 8)) divisor = reg();
      // Make the divisor positive and nonzero: and r, 0x7f..; or r, 1 (register forms).
      modrm(c, sz, {static_cast<u8>(0x80 | w)}, 4, static_cast<int>(divisor));
      if (sz == 1)
        c.push_back(0x7f);
      else
        for (unsigned i = 0; i < (sz == 2 ? 2u : 4u); ++i)
          c.push_back(i + 1 == (sz == 2 ? 2u : 4u) ? 0x7f : 0xff);
      modrm(c, sz, {static_cast<u8>(0x80 | w)}, 1, static_cast<int>(divisor));
      if (sz == 1)
        c.push_back(1);
      else
        for (unsigned i = 0; i < (sz == 2 ? 2u : 4u); ++i) c.push_back(i == 0 ? 1 : 0);
      const bool is_signed = coin();
      if (sz == 1) {
        // movsx/movzx ax, al: the quotient then fits in AL.
        c.insert(c.end(), {0x66, 0x0f, static_cast<u8>(is_signed ? 0xbe : 0xb6), 0xc0});
      } else if (is_signed) {
        if (sz == 2) c.push_back(0x66);
        if (sz == 8) c.push_back(0x48);
        c.push_back(0x99);  // cwd/cdq/cqo
      } else {
        c.insert(c.end(), {0x31, 0xd2});  // xor edx, edx
      }
      modrm(c, sz, {static_cast<u8>(0xf6 | w)}, is_signed ? 7 : 6, static_cast<int>(divisor));
      k.defined_flags = 0;
      k.name = "div";
      break;
    }
    case 7: {  // TEST, XCHG, MOV
      const u8 ops[] = {0x84, 0x86, 0x88, 0x8a};
      modrm(c, sz, {static_cast<u8>(ops[below(4)] | w)}, reg(), rm_operand());
      k.defined_flags = kAllFlags & ~flag::AF;
      k.name = "test/xchg/mov";
      break;
    }
    case 8: {  // BT/BTS/BTR/BTC r/m, r  and  r/m, imm8
      if (sz == 1) return next();
      const unsigned op = below(4);
      if (coin()) {
        unsigned offset = reg();
        // Keep a memory bit offset within the buffer: and offset_reg, 0x3f.
        modrm(c, 4, {0x83}, 4, static_cast<int>(offset));
        c.push_back(0x3f);
        modrm(c, sz, {0x0f, static_cast<u8>(0xa3 | (op << 3))}, offset, rm_operand());
      } else {
        modrm(c, sz, {0x0f, 0xba}, 4 + op, rm_operand());
        c.push_back(static_cast<u8>(below(256)));
      }
      k.defined_flags = flag::CF | flag::ZF;
      k.name = "bt";
      break;
    }
    case 9: {  // BSF/BSR with a nonzero source, LZCNT, POPCNT
      if (sz == 1) return next();
      const unsigned which = below(4);
      const unsigned src = reg();
      if (which < 2) {
        modrm(c, sz, {0x83}, 1, static_cast<int>(src));  // or src, 1 (source nonzero)
        c.push_back(which == 0 ? 0x10 : 0x01);
        modrm(c, sz, {0x0f, static_cast<u8>(0xbc + which)}, reg(), static_cast<int>(src));
        k.defined_flags = flag::ZF;
      } else {
        c.push_back(0xf3);
        std::vector<u8> rest;
        modrm(rest, sz, {0x0f, static_cast<u8>(which == 2 ? 0xbd : 0xb8)}, reg(), rm_operand());
        if (rest[0] == 0x66) {
          c.back() = 0x66;
          c.push_back(0xf3);
          rest.erase(rest.begin());
        }
        c.insert(c.end(), rest.begin(), rest.end());
        k.defined_flags = which == 2 ? flag::CF | flag::ZF : kAllFlags;
      }
      k.name = "bitscan";
      break;
    }
    case 10: {  // SETcc, CMOVcc
      const u8 cc = static_cast<u8>(below(16));
      if (coin())
        modrm(c, 1, {0x0f, static_cast<u8>(0x90 | cc)}, 0, rm_operand());
      else if (sz != 1)
        modrm(c, sz, {0x0f, static_cast<u8>(0x40 | cc)}, reg(), rm_operand());
      else
        return next();
      k.name = "setcc/cmovcc";
      break;
    }
    case 11: {  // MOVZX/MOVSX/MOVSXD
      if (sz == 1) return next();
      const unsigned form = below(5);
      if (form < 4) {
        modrm(c, sz, {0x0f, static_cast<u8>((form < 2 ? 0xb6 : 0xbe) | (form & 1))}, reg(),
              rm_operand());
      } else {
        modrm(c, 8, {0x63}, reg(), rm_operand());
      }
      k.name = "movx";
      break;
    }
    case 12: {  // XADD, CMPXCHG
      modrm(c, sz, {0x0f, static_cast<u8>((coin() ? 0xc0 : 0xb0) | w)}, reg(), rm_operand());
      k.name = "xadd/cmpxchg";
      break;
    }
    case 13: {  // BSWAP, CBW family
      if (coin() && sz >= 4) {
        const unsigned r = reg();
        c.push_back(static_cast<u8>(0x40 | (sz == 8 ? 8 : 0) | ((r & 8) ? 1 : 0)));
        c.insert(c.end(), {0x0f, static_cast<u8>(0xc8 | (r & 7))});
      } else {
        if (sz == 2) c.push_back(0x66);
        if (sz == 8) c.push_back(0x48);
        c.push_back(coin() ? 0x98 : 0x99);
      }
      k.name = "bswap/cbw";
      break;
    }
    case 14: {  // SHLD/SHRD
      if (sz == 1) return next();
      const bool right = coin();
      const unsigned limit = sz == 2 ? 16 : sz == 4 ? 32 : 64;
      const unsigned count = below(limit);
      const int target = rm_operand();
      if (coin()) {
        modrm(c, sz, {0x0f, static_cast<u8>(right ? 0xac : 0xa4)}, reg(), target);
        c.push_back(static_cast<u8>(count));
      } else {
        c.insert(c.end(), {0xb1, static_cast<u8>(count)});
        unsigned src = reg();
        while (src == kRcx) src = reg();
        modrm(c, sz, {0x0f, static_cast<u8>(right ? 0xad : 0xa5)}, src,
              target == static_cast<int>(kRcx) ? -1 : target);
      }
      k.defined_flags =
          count == 0 ? kAllFlags : (kAllFlags & ~flag::AF & ~(count == 1 ? 0 : flag::OF));
      k.name = "shld/shrd";
      break;
    }
    case 15: {  // flag instructions and LAHF/SAHF
      static const u8 ops[] = {0xf5, 0xf8, 0xf9, 0x9e, 0x9f};
      c.push_back(ops[below(5)]);
      k.name = "flags";
      break;
    }
    case 16: {  // ADC/SBB chains
      modrm(c, sz, {static_cast<u8>(0x10 | w)}, reg(), rm_operand());
      modrm(c, sz, {static_cast<u8>(0x18 | w)}, reg(), rm_operand());
      k.name = "adc/sbb";
      break;
    }
    case 17: {  // LEA with base + index*scale + disp
      if (sz == 1) return next();
      const unsigned dst = reg(), b = reg(), idx = reg();
      if (idx == kRsp) return next();
      if (sz == 2) c.push_back(0x66);
      c.push_back(static_cast<u8>(0x40 | (sz == 8 ? 8 : 0) | ((dst & 8) ? 4 : 0) |
                                  ((idx & 8) ? 2 : 0) | ((b & 8) ? 1 : 0)));
      c.insert(c.end(), {0x8d, static_cast<u8>(0x84 | ((dst & 7) << 3)),
                         static_cast<u8>((below(4) << 6) | ((idx & 7) << 3) | (b & 7))});
      imm(c, 4);
      k.name = "lea";
      break;
    }
    case 18: {  // MOVBE
      if (sz == 1) return next();
      modrm(c, sz, {0x0f, 0x38, static_cast<u8>(0xf0 | (coin() ? 1 : 0))}, reg(), -1);
      k.name = "movbe";
      break;
    }
    case 22: {  // string instructions, any prefix, both directions
      const bool down = coin();
      const unsigned esz = size();
      static const u8 kOps[] = {0xa4, 0xa6, 0xaa, 0xac, 0xae};
      const u8 op = kOps[below(5)];
      // lea rsi, [r15 + a]; lea rdi, [r15 + b]; mov ecx, n
      const u8 a = static_cast<u8>(down ? 128 + below(8) * 8 : below(8) * 8);
      const u8 b = static_cast<u8>(down ? 128 + below(8) * 8 : below(8) * 8);
      c.insert(c.end(), {0x49, 0x8d, 0xb7, a, 0, 0, 0, 0x49, 0x8d, 0xbf, b, 0, 0, 0, 0xb9,
                         static_cast<u8>(below(15)), 0, 0, 0});
      if (down) c.push_back(0xfd);  // std
      const unsigned rep = below(3);
      if (rep == 1) c.push_back(0xf3);
      if (rep == 2) c.push_back(0xf2);
      if (esz == 2) c.push_back(0x66);
      if (esz == 8) c.push_back(0x48);
      c.push_back(static_cast<u8>(op | (esz == 1 ? 0 : 1)));
      if (down) c.push_back(0xfc);  // cld: the host ABI needs DF clear
      k.data_pointers = (1u << kRsi) | (1u << kRdi);
      k.name = "string";
      break;
    }
    case 23: {  // PUSH/POP forms and PUSHF
      const unsigned form = below(5);
      const unsigned r = reg(), r2 = reg();
      auto rex_b = [&](unsigned x) {
        if (x & 8) c.push_back(0x41);
      };
      if (form == 0) {  // push r; pop r2
        rex_b(r);
        c.push_back(static_cast<u8>(0x50 | (r & 7)));
        rex_b(r2);
        c.push_back(static_cast<u8>(0x58 | (r2 & 7)));
      } else if (form == 1) {  // push imm8/imm32; pop r
        if (coin()) {
          c.push_back(0x6a);
          imm(c, 1);
        } else {
          c.push_back(0x68);
          imm(c, 4);
        }
        rex_b(r);
        c.push_back(static_cast<u8>(0x58 | (r & 7)));
      } else if (form == 2) {  // push [r15+d]; pop [r15+d]
        modrm(c, 4, {0xff}, 6, -1);
        modrm(c, 4, {0x8f}, 0, -1);
      } else if (form == 3) {  // pushfq; pop r
        c.push_back(0x9c);
        rex_b(r);
        c.push_back(static_cast<u8>(0x58 | (r & 7)));
      } else {  // 16-bit push/pop
        c.push_back(0x66);
        rex_b(r);
        c.push_back(static_cast<u8>(0x50 | (r & 7)));
        c.push_back(0x66);
        rex_b(r2);
        c.push_back(static_cast<u8>(0x58 | (r2 & 7)));
      }
      k.name = "push/pop";
      break;
    }
    case 24: {  // ENTER then LEAVE (nesting level 0: the frame holds no host addresses)
      c.insert(c.end(), {0xc8, static_cast<u8>(below(64)), 0, 0, 0xc9});
      k.name = "enter/leave";
      break;
    }
    default: {  // plain ALU on AL/eAX with immediates
      const u8 op = static_cast<u8>(below(8) << 3);
      if (sz == 2) c.push_back(0x66);
      if (sz == 8) c.push_back(0x48);
      c.push_back(static_cast<u8>(op | 4 | w));
      imm(c, sz == 1 ? 1 : sz == 2 ? 2 : 4);
      k.defined_flags =
          (op == 0x08 || op == 0x20 || op == 0x30) ? kAllFlags & ~flag::AF : kAllFlags;
      k.name = "alu-acc";
      break;
    }
  }
  return k;
}

// Runs `cases` generated cases (GLASSPC_DIFF_CASES overrides) natively and on a CPU built with
// `config`.
void run_differential(const CpuConfig& config, u64 cases, u64 seed) {
  NativeRunner native;
  REQUIRE(native.ok());
  if (const char* env = std::getenv("GLASSPC_DIFF_CASES")) cases = std::strtoull(env, nullptr, 10);
  if (const char* env = std::getenv("GLASSPC_DIFF_SEED")) seed = std::strtoull(env, nullptr, 10);
  Generator gen(seed);

  CpuTestMachine m(4 << 20, config);
  PmEnv::install(m, true);
  PmEnv::enter_long_mode(m, kCodeGpa);
  u64 failures = 0;
  std::string report;
  for (u64 n = 0; n < cases && failures < 10; ++n) {
    const Case k = gen.next();
    CpuImage in{};
    for (auto& r : in.gpr) r = gen.value();
    in.flags = 0x202 | (gen.value() & flag::kArith);
    u8 data[kDataSize];
    for (auto& b : data) b = static_cast<u8>(gen.value());
    u8 stack[kStackSize];
    for (auto& b : stack) b = static_cast<u8>(gen.value());

    // Native.
    u8 native_data[kDataSize];
    alignas(16) u8 native_stack[kStackSize];
    std::memcpy(native_data, data, kDataSize);
    std::memcpy(native_stack, stack, kStackSize);
    CpuImage want = in;
    want.gpr[kBase] = reinterpret_cast<u64>(native_data);
    want.gpr[kRsp] = reinterpret_cast<u64>(native_stack) + kStackStart;
    native.run(k.code, want);

    // Emulated.
    std::vector<u8> code = k.code;
    code.push_back(0xf4);
    m.load(kCodeGpa, code);
    m.load(kDataGpa, std::vector<u8>(data, data + kDataSize));
    m.load(kStackGpa, std::vector<u8>(stack, stack + kStackSize));
    X86State& s = m.regs();
    for (unsigned r = 0; r < 16; ++r) s.gpr[r] = in.gpr[r];
    s.gpr[kBase] = kDataGpa;
    s.gpr[kRsp] = kStackGpa + kStackStart;
    s.rip = kCodeGpa;
    m.cpu().set_rflags(in.flags);
    m.cpu().state_changed();
    m.cpu().wake();
    m.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    u8 got_data[kDataSize], got_stack[kStackSize];
    m.machine().memory().read_bytes(kDataGpa, got_data, kDataSize);
    m.machine().memory().read_bytes(kStackGpa, got_stack, kStackSize);
    // Addresses into the buffers are compared relative to the buffers.
    if (k.data_pointers) {
      for (unsigned r = 0; r < 16; ++r) {
        if (!(k.data_pointers & (1u << r))) continue;
        want.gpr[r] -= reinterpret_cast<u64>(native_data);
        s.gpr[r] -= kDataGpa;
      }
    }
    const u64 want_sp = want.gpr[kRsp] - reinterpret_cast<u64>(native_stack);
    const u64 got_sp = s.gpr[kRsp] - kStackGpa;
    bool same = PmEnv::vector(m) == PmEnv::kNoVector && want_sp == got_sp;
    for (unsigned r = 0; r < 16; ++r) {
      if (r == kRsp || r == kBase) continue;
      if (s.gpr[r] != want.gpr[r]) same = false;
    }
    if (((m.cpu().rflags() ^ want.flags) & k.defined_flags) != 0) same = false;
    if (std::memcmp(got_data, native_data, kDataSize) != 0) same = false;
    if (std::memcmp(got_stack, native_stack, kStackSize) != 0) same = false;
    if (!same) {
      ++failures;
      std::string bytes;
      for (u8 b : k.code) bytes += fmt::format("{:02x} ", b);
      std::string detail = fmt::format(
          "case {} ({}) bytes: {}\n flags in {:#x} host {:#x} glasspc {:#x} (mask {:#x})", n,
          k.name, bytes, in.flags, want.flags, m.cpu().rflags(), k.defined_flags);
      for (unsigned r = 0; r < 16; ++r) {
        if (r == kRsp || r == kBase) continue;
        if (s.gpr[r] != want.gpr[r]) {
          detail += fmt::format("\n r{}: in {:#x} host {:#x} glasspc {:#x}", r, in.gpr[r],
                                want.gpr[r], s.gpr[r]);
        }
      }
      if (PmEnv::vector(m) != PmEnv::kNoVector)
        detail += fmt::format("\n exception {}", PmEnv::vector(m));
      if (std::memcmp(got_data, native_data, kDataSize) != 0) detail += "\n memory differs";
      if (std::memcmp(got_stack, native_stack, kStackSize) != 0) detail += "\n stack differs";
      if (want_sp != got_sp)
        detail += fmt::format("\n rsp offset host {} glasspc {}", want_sp, got_sp);
      report += detail + "\n";
    }
  }
  INFO(report);
  CHECK(failures == 0);
  if (config.jit && config.jit_hot_count == 1) CHECK(m.cpu().jit_compiled_blocks() >= cases);
}

}  // namespace

TEST_CASE("differential: random integer instructions match the host CPU") {
  CpuConfig interpreted;
  interpreted.jit = false;
  run_differential(interpreted, 1000000, 1);
}

// The same oracle for the native-code engine: every case is compiled on its first run.
TEST_CASE("differential: random integer instructions compiled by the JIT match the host CPU") {
  CpuConfig compiled;
  compiled.jit_hot_count = 1;
  run_differential(compiled, 200000, 2);
}

#else

TEST_CASE("differential: random integer instructions match the host CPU") {
  WARN("skipped: the host is not x86-64");
}

TEST_CASE("differential: random integer instructions compiled by the JIT match the host CPU") {
  WARN("skipped: the host is not x86-64");
}

#endif
