// The native-code engine (cpu/jit) against the interpreter: the same random instruction
// sequences, run interpreted and compiled (on their first run), must leave identical
// architectural state — every register, the whole RFLAGS (undefined flags included: both are
// glasspc), memory, the exception taken — and identical instruction and cycle counts, also when
// the cycle budget ends in the middle of a block. Plus unit tests of the compiler's instruction
// classification and flag liveness.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <string>

#include "cpu/decoder.h"
#include "cpu/jit/insn_form.h"
#include "pm_env.h"

using namespace glasspc;
using namespace glasspc::test;

namespace {

constexpr u64 kCodeGpa = 0x10000;
constexpr u64 kDataGpa = 0x20000;
constexpr unsigned kDataSize = 256;
constexpr u64 kStackTop = 0x7000;
constexpr u64 kUnmapped = 0x40000000;  // beyond the identity map (64-bit) and RAM (32-bit)

std::vector<Insn> decode_all(const std::vector<u8>& code, CodeSize mode) {
  std::vector<Insn> out;
  size_t pos = 0;
  while (pos < code.size()) {
    Insn insn;
    unsigned needed = 0;
    REQUIRE(decode_insn(code.data() + pos, static_cast<unsigned>(code.size() - pos), mode, insn,
                        needed) == DecodeStatus::Ok);
    out.push_back(insn);
    pos += insn.len;
  }
  return out;
}

// Random instruction sequences over the forms the compiler emits inline, mixed with forms it
// leaves to the handlers. Memory operands are [base + disp8] into the data area (base = R15 in
// 64-bit code, EDI in 32-bit code) or RIP-relative (64-bit).
class SequenceGen {
 public:
  SequenceGen(u64 seed, bool m64) : m_rng(seed), m_m64(m64) {}

  u64 value() {
    switch (below(6)) {
      case 0:
        return 0;
      case 1:
        return ~u64{0};
      case 2:
        return u64{1} << below(64);
      case 3:
        return (u64{1} << below(64)) - 1;
      case 4:
        return below(256);
      default:
        return m_rng();
    }
  }
  unsigned below(unsigned n) { return static_cast<unsigned>(m_rng() % n); }
  bool coin() { return (m_rng() & 1) != 0; }

  std::vector<u8> sequence(unsigned count) {
    m_code.clear();
    for (unsigned k = 0; k < count; ++k) {
      if (below(8) == 0) {  // a forward Jcc over the next instruction
        std::vector<u8> saved;
        saved.swap(m_code);
        m_origin = saved.size() + 2;  // where the skipped instruction will land
        instruction(k);
        m_origin = 0;
        std::vector<u8> next;
        next.swap(m_code);
        m_code.swap(saved);
        m_code.push_back(static_cast<u8>(0x70 + below(16)));
        m_code.push_back(static_cast<u8>(next.size()));
        m_code.insert(m_code.end(), next.begin(), next.end());
      } else {
        instruction(k);
      }
    }
    m_code.push_back(0xf4);
    return m_code;
  }

 private:
  unsigned base() const { return m_m64 ? 15 : 7; }
  unsigned size() {
    const unsigned s = 1u << below(m_m64 ? 4 : 3);
    return s;
  }
  // A destination/source register for an operand of `size` bytes; sets m_rex_byte for byte
  // registers that need a REX prefix (SPL.. or R8B..).
  unsigned reg(unsigned sz) {
    if (sz == 1 && (!m_m64 || !m_byte_rex)) return below(8);  // AL..BH, AH..BH included
    for (;;) {
      const unsigned r = below(m_m64 ? 16 : 8);
      if (r != 4 && r != base()) return r;
    }
  }
  // Emits prefixes, opcode and ModRM for `reg` and an r/m operand: register `rm` (>= 0), or
  // memory (-1: [base + disp8], -2: RIP-relative into the data area, -3: [disp32] absolute).
  void op(unsigned sz, std::initializer_list<u8> opcode, unsigned reg_field, int rm,
          unsigned imm_bytes = 0) {
    if (sz == 2) m_code.push_back(0x66);
    if (m_m64) {
      u8 rex = 0x40;
      if (sz == 8) rex |= 8;
      if (reg_field & 8) rex |= 4;
      if (rm >= 0 && (rm & 8)) rex |= 1;
      if (rm == -1) rex |= 1;  // base R15
      if (rex != 0x40 || (sz == 1 && m_byte_rex)) m_code.push_back(rex);
    }
    m_code.insert(m_code.end(), opcode);
    if (rm >= 0) {
      m_code.push_back(static_cast<u8>(0xc0 | ((reg_field & 7) << 3) | (rm & 7)));
    } else if (rm == -1) {
      m_code.push_back(static_cast<u8>(0x40 | ((reg_field & 7) << 3) | (base() & 7)));
      m_code.push_back(static_cast<u8>(below(kDataSize - 8)));
    } else if (rm == -3) {  // [disp32]: an absolute address in the data area
      if (m_m64) {
        m_code.push_back(static_cast<u8>(0x04 | ((reg_field & 7) << 3)));
        m_code.push_back(0x25);  // SIB: no base, no index
      } else {
        m_code.push_back(static_cast<u8>(0x05 | ((reg_field & 7) << 3)));
      }
      const u32 address = static_cast<u32>(kDataGpa + below(kDataSize - 8));
      for (int i = 0; i < 4; ++i) m_code.push_back(static_cast<u8>(address >> (8 * i)));
    } else {
      m_code.push_back(static_cast<u8>(0x05 | ((reg_field & 7) << 3)));
      // disp32 relative to the end of the instruction (after its immediate).
      const u64 end = kCodeGpa + m_origin + m_code.size() + 4 + imm_bytes;
      const u32 disp = static_cast<u32>(kDataGpa + below(kDataSize - 8) - end);
      for (int i = 0; i < 4; ++i) m_code.push_back(static_cast<u8>(disp >> (8 * i)));
    }
  }
  void imm(unsigned bytes) {
    const u64 v = value();
    for (unsigned i = 0; i < bytes; ++i) m_code.push_back(static_cast<u8>(v >> (8 * i)));
  }
  int rm_operand(unsigned sz, unsigned imm_bytes_unused = 0) {
    (void)imm_bytes_unused;
    switch (below(4)) {
      case 0:
        return -1;
      case 1:
        return below(2) ? -3 : m_m64 ? -2 : -1;
      default:
        return static_cast<int>(reg(sz));
    }
  }

  void instruction(unsigned) {
    const unsigned sz = size();
    m_byte_rex = m_m64 && sz == 1 && coin();
    const u8 w = sz == 1 ? 0 : 1;
    const unsigned imm_bytes = sz == 1 ? 1 : sz == 2 ? 2 : 4;
    switch (below(15)) {
      case 14: {  // PUSH/POP pairs, CALL to the next instruction, RET to the next instruction
        const unsigned r = reg(8), r2 = reg(8);
        auto rex_b = [&](unsigned x) {
          if (x & 8) m_code.push_back(0x41);
        };
        switch (below(4)) {
          case 0:
            rex_b(r);
            m_code.push_back(static_cast<u8>(0x50 | (r & 7)));
            rex_b(r2);
            m_code.push_back(static_cast<u8>(0x58 | (r2 & 7)));
            break;
          case 1:  // call +0; pop r
            m_code.insert(m_code.end(), {0xe8, 0, 0, 0, 0});
            rex_b(r);
            m_code.push_back(static_cast<u8>(0x58 | (r & 7)));
            break;
          case 2: {  // push imm32 (the address after the RET); ret
            const u32 target = static_cast<u32>(kCodeGpa + m_origin + m_code.size() + 6);
            m_code.push_back(0x68);
            for (int i = 0; i < 4; ++i) m_code.push_back(static_cast<u8>(target >> (8 * i)));
            m_code.push_back(0xc3);
            break;
          }
          default:  // misalign the stack for a while: later stack accesses take the handlers
            if (m_m64) m_code.push_back(0x48);
            m_code.insert(m_code.end(), {0x8d, 0x64, 0x24, static_cast<u8>(coin() ? 0xfd : 0x03)});
            break;
        }
        break;
      }
      case 0:  // MOV r/m, r and r, r/m; MOV between the accumulator and [moffs]
        if (below(4) == 0) {
          if (sz == 2) m_code.push_back(0x66);
          if (sz == 8) m_code.push_back(0x48);
          m_code.push_back(static_cast<u8>(0xa0 | w | (coin() ? 2 : 0)));
          const u64 address = kDataGpa + below(kDataSize - 8);
          for (unsigned i = 0; i < (m_m64 ? 8u : 4u); ++i)
            m_code.push_back(static_cast<u8>(address >> (8 * i)));
        } else {
          op(sz, {static_cast<u8>(0x88 | w | (coin() ? 2 : 0))}, reg(sz), rm_operand(sz));
        }
        break;
      case 1: {  // MOV r, imm
        const unsigned r = reg(sz);
        if (sz == 2) m_code.push_back(0x66);
        if (m_m64 && (sz == 8 || (r & 8) || (sz == 1 && m_byte_rex)))
          m_code.push_back(static_cast<u8>(0x40 | (sz == 8 ? 8 : 0) | ((r & 8) ? 1 : 0)));
        m_code.push_back(static_cast<u8>((sz == 1 ? 0xb0 : 0xb8) | (r & 7)));
        imm(sz == 8 ? 8 : imm_bytes);
        break;
      }
      case 2: {  // MOV r/m, imm
        const int rm = rm_operand(sz);
        op(sz, {static_cast<u8>(0xc6 | w)}, 0, rm, imm_bytes);
        imm(imm_bytes);
        break;
      }
      case 3:
      case 4: {  // ALU r/m, r / r, r/m (every row, ADC and SBB included)
        const u8 row = static_cast<u8>(below(8) << 3);
        op(sz, {static_cast<u8>(row | w | (coin() ? 2 : 0))}, reg(sz), rm_operand(sz));
        break;
      }
      case 5: {  // ALU r/m, imm (80/81/83)
        const int rm = rm_operand(sz);
        const unsigned form = sz == 1 ? 0x80 : coin() ? 0x83 : 0x81;
        const unsigned bytes = form == 0x81 ? imm_bytes : 1;
        op(sz, {static_cast<u8>(form)}, below(8), rm, bytes);
        imm(bytes);
        break;
      }
      case 6: {  // ALU / TEST on the accumulator with an immediate
        if (sz == 2) m_code.push_back(0x66);
        if (sz == 8) m_code.push_back(0x48);
        m_code.push_back(coin() ? static_cast<u8>((below(8) << 3) | 4 | w)
                                : static_cast<u8>(0xa8 | w));
        imm(imm_bytes);
        break;
      }
      case 7: {  // TEST r/m, r and r/m, imm
        const int rm = rm_operand(sz);
        if (coin()) {
          op(sz, {static_cast<u8>(0x84 | w)}, reg(sz), rm);
        } else {
          op(sz, {static_cast<u8>(0xf6 | w)}, 0, rm, imm_bytes);
          imm(imm_bytes);
        }
        break;
      }
      case 8:  // INC/DEC r/m (and 40-4F in 32-bit code)
        if (!m_m64 && sz != 1 && coin()) {
          if (sz == 2) m_code.push_back(0x66);
          m_code.push_back(static_cast<u8>(0x40 | (coin() ? 8 : 0) | reg(sz)));
        } else {
          op(sz, {static_cast<u8>(0xfe | w)}, below(2), rm_operand(sz));
        }
        break;
      case 9:
      case 10: {  // shifts and rotates by an immediate, by 1 or by CL
        const unsigned kind = below(3);
        const int rm = rm_operand(sz);
        const unsigned group_op = below(8);
        if (kind == 0) {
          op(sz, {static_cast<u8>(0xc0 | w)}, group_op, rm, 1);
          m_code.push_back(static_cast<u8>(below(3) == 0 ? below(256) : below(sz * 8 + 2)));
        } else {
          op(sz, {static_cast<u8>((kind == 1 ? 0xd0 : 0xd2) | w)}, group_op, rm);
        }
        break;
      }
      case 11: {  // flag readers and writers the compiler leaves to the handlers
        static const u8 kOps[] = {0xf5, 0xf8, 0xf9, 0x9c};
        const u8 o = kOps[below(4)];
        m_code.push_back(o);
        if (o == 0x9c) {  // PUSHF; POP r
          const unsigned r = reg(4);
          if (r & 8) m_code.push_back(0x41);
          m_code.push_back(static_cast<u8>(0x58 | (r & 7)));
        }
        break;
      }
      case 12: {  // SETcc r/m8, CMOVcc r, r/m
        if (coin()) {
          m_byte_rex = false;
          op(1, {0x0f, static_cast<u8>(0x90 + below(16))}, 0, rm_operand(1));
        } else {
          const unsigned s = sz == 1 ? 4 : sz;
          op(s, {0x0f, static_cast<u8>(0x40 + below(16))}, reg(s), rm_operand(s));
        }
        break;
      }
      default: {  // IMUL, NEG/NOT, LEA, MOVZX/MOVSX/MOVSXD
        const unsigned s = sz == 1 ? 4 : sz;
        switch (below(6)) {
          case 0:
            op(s, {0x0f, 0xaf}, reg(s), rm_operand(s));
            break;
          case 1: {
            const bool imm8 = coin();
            const unsigned bytes = imm8 ? 1 : s == 2 ? 2 : 4;
            op(s, {static_cast<u8>(imm8 ? 0x6b : 0x69)}, reg(s), rm_operand(s), bytes);
            imm(bytes);
            break;
          }
          case 2:
            op(sz, {static_cast<u8>(0xf6 | w)}, 2 + below(2), rm_operand(sz));
            break;
          case 3: {  // LEA with base + index * scale + disp8, any address size in 64-bit code
            const unsigned dst = reg(s), idx = reg(4);
            if (s == 2) m_code.push_back(0x66);
            if (m_m64 && coin()) m_code.push_back(0x67);
            if (m_m64) {
              m_code.push_back(static_cast<u8>(0x40 | (s == 8 ? 8 : 0) | ((dst & 8) ? 4 : 0) |
                                               ((idx & 8) ? 2 : 0) | 1));
            }
            m_code.insert(m_code.end(),
                          {0x8d, static_cast<u8>(0x44 | ((dst & 7) << 3)),
                           static_cast<u8>((below(4) << 6) | ((idx & 7) << 3) | (base() & 7)),
                           static_cast<u8>(below(256))});
            break;
          }
          case 4: {  // MOVZX/MOVSX r, r/m8 or r/m16
            const bool word_src = coin();
            const u8 opc = static_cast<u8>((coin() ? 0xbe : 0xb6) | (word_src ? 1 : 0));
            m_byte_rex = m_m64 && !word_src && coin();
            const unsigned src = word_src ? 2 : 1;
            const int rm = below(2) ? -1 : static_cast<int>(reg(src));
            op(s, {0x0f, opc}, reg(s), rm);
            break;
          }
          default:  // MOVSXD r64, r/m32 (64-bit code); RDTSC-free filler elsewhere
            if (m_m64)
              op(8, {0x63}, reg(8), rm_operand(4));
            else
              op(s, {0x8d}, reg(s), -1);
            break;
        }
        break;
      }
    }
  }

  std::mt19937_64 m_rng;
  bool m_m64;
  bool m_byte_rex = false;
  std::vector<u8> m_code;
  size_t m_origin = 0;  // offset in the sequence at which m_code starts
};

struct Rig {
  CpuTestMachine m;
  bool m64;
  Rig(bool jit, bool long_mode, u64 code_bytes)
      : m(4 << 20, config(jit, code_bytes)), m64(long_mode) {
    if (long_mode) {
      PmEnv::install(m, true);
      PmEnv::enter_long_mode(m, kCodeGpa, kStackTop);
    } else {
      m.boot_flat32(kCodeGpa, kStackTop);
      PmEnv::install(m, false);
    }
  }
  static CpuConfig config(bool jit, u64 code_bytes) {
    CpuConfig c;
    c.jit = jit;
    c.jit_hot_count = 1;  // compile every block on its first run
    c.jit_code_bytes = code_bytes;
    return c;
  }
  void start(const std::vector<u8>& code, const std::vector<u64>& regs, u64 flags,
             const std::vector<u8>& data, bool fault_base) {
    m.load(kCodeGpa, code);
    m.load(kDataGpa, data);
    m.load(kStackTop - 512, std::vector<u8>(512, 0));
    X86State& s = m.regs();
    for (unsigned r = 0; r < 16; ++r) s.gpr[r] = m64 ? regs[r] : regs[r] & 0xffffffff;
    s.gpr[m64 ? 15 : 7] = fault_base ? kUnmapped : kDataGpa;
    s.gpr[kRsp] = kStackTop;
    s.rip = kCodeGpa;
    m.cpu().set_rflags(flags);
    m.cpu().state_changed();
    m.cpu().wake();
    m.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
  }
  std::string describe() {
    X86State& s = m.regs();
    std::string out = fmt::format("rip {:#x} rflags {:#x} retired {} cycles {} vector {:#x}\n",
                                  s.rip, m.cpu().rflags(), m.cpu().instructions_retired(),
                                  m.cpu().total_cycles(), PmEnv::vector(m));
    for (unsigned r = 0; r < 16; ++r) out += fmt::format(" r{}={:#x}", r, s.gpr[r]);
    return out;
  }
  std::vector<u8> memory(u64 gpa, size_t size) {
    std::vector<u8> out(size);
    m.machine().memory().read_bytes(gpa, out.data(), size);
    return out;
  }
};

std::string bytes_of(const std::vector<u8>& code) {
  std::string s;
  for (u8 b : code) s += fmt::format("{:02x} ", b);
  return s;
}

void compare_engines(bool long_mode, u64 cases, u64 code_bytes = CpuConfig{}.jit_code_bytes,
                     u64 seed = 0) {
  SequenceGen gen(seed ? seed : long_mode ? 7 : 8, long_mode);
  Rig interp(false, long_mode, code_bytes), jit(true, long_mode, code_bytes);
  u64 failures = 0;
  std::string report;
  for (u64 n = 0; n < cases && failures < 5; ++n) {
    const std::vector<u8> code = gen.sequence(1 + gen.below(24));
    std::vector<u64> regs(16);
    for (auto& r : regs) r = gen.value();
    const u64 flags = 0x202 | (gen.value() & flag::kArith);
    std::vector<u8> data(kDataSize);
    for (auto& b : data) b = static_cast<u8>(gen.value());
    const bool fault_base = gen.below(16) == 0;
    // Stop once somewhere in the sequence (an exact cycle budget), then run to the HLT.
    const u64 cut = gen.below(40);
    std::string where;
    bool same = true;
    for (Rig* rig : {&interp, &jit}) rig->start(code, regs, flags, data, fault_base);
    for (int phase = 0; phase < 2 && same; ++phase) {
      for (Rig* rig : {&interp, &jit}) {
        if (phase == 0) {
          const Picoseconds now = rig->m.machine().clock().now();
          rig->m.cpu().run(now + cut * 1000);
        } else {
          rig->m.run_until_halt();
        }
      }
      const std::string a = interp.describe(), b = jit.describe();
      const bool mem_same = interp.memory(kDataGpa, kDataSize) == jit.memory(kDataGpa, kDataSize) &&
                            interp.memory(kStackTop - 512, 512) == jit.memory(kStackTop - 512, 512);
      if (a != b || !mem_same) {
        same = false;
        where = fmt::format("{}\n interpreter: {}\n jit:         {}{}",
                            phase == 0 ? fmt::format("after a budget of {} cycles", cut)
                                       : std::string("at the HLT"),
                            a, b, mem_same ? "" : "\n memory differs");
      }
    }
    if (interp.m.cpu().in_shutdown() || jit.m.cpu().in_shutdown()) {
      same = false;
      where = "a sequence shut the machine down (the generator must keep code and tables intact)";
    }
    if (!same) {
      ++failures;
      report += fmt::format("case {} (fault_base {}) code: {}\n{}\n", n, fault_base, bytes_of(code),
                            where);
    }
  }
  INFO(report);
  CHECK(failures == 0);
  CHECK(jit.m.cpu().jit_compiled_blocks() >= cases);  // every sequence ran compiled
  CHECK(interp.m.cpu().jit_compiled_blocks() == 0);
  if (code_bytes < (u64{1} << 20)) CHECK(jit.m.cpu().jit_code_drops() > 0);
}

u64 case_count() {
  if (const char* env = std::getenv("GLASSPC_JIT_CASES")) return std::strtoull(env, nullptr, 10);
  return 20000;
}

}  // namespace

TEST_CASE("jit: random 64-bit sequences give the interpreter's state, counts and faults", "[jit]") {
  compare_engines(true, case_count());
}

TEST_CASE("jit: random 32-bit sequences give the interpreter's state, counts and faults", "[jit]") {
  compare_engines(false, case_count());
}

TEST_CASE("jit: a full code arena is emptied and compiling goes on", "[jit]") {
  compare_engines(true, case_count() / 4, 64 * 1024, 9);
}

TEST_CASE("jit: instruction forms", "[jit]") {
  using jit::Form;
  auto form_of = [](std::vector<u8> code, CodeSize mode = CodeSize::k64) {
    return jit::classify(decode_all(code, mode).front());
  };
  CHECK(form_of({0x48, 0x89, 0xd8}).form == Form::MovRmR);          // mov rax, rbx
  CHECK(form_of({0x8b, 0x47, 0x10}).form == Form::MovRRm);          // mov eax, [rdi+16]
  CHECK(form_of({0xb0, 0x12}).form == Form::MovRImm);               // mov al, 0x12
  CHECK(form_of({0xc7, 0x00, 1, 0, 0, 0}).form == Form::MovRmImm);  // mov dword [rax], 1
  CHECK(form_of({0x01, 0xd8}).form == Form::Alu);                   // add eax, ebx
  CHECK(form_of({0x11, 0xd8}).form == Form::Generic);               // adc: reads CF
  CHECK(form_of({0x83, 0xd0, 0x01}).form == Form::Generic);         // adc eax, 1
  CHECK(form_of({0xf0, 0x01, 0x18}).form == Form::Generic);         // lock add
  CHECK(form_of({0x85, 0xc0}).alu == jit::AluOp::Test);             // test eax, eax
  CHECK(form_of({0xff, 0xc8}).form == Form::IncDec);                // dec eax
  CHECK(form_of({0x48}, CodeSize::k32).dec);                        // dec eax (32-bit)
  CHECK(form_of({0xc1, 0xe8, 0x03}).form == Form::Shift);           // shr eax, 3
  CHECK(form_of({0xc1, 0xe8, 0x20}).form == Form::Generic);         // shr eax, 32: count 0
  CHECK(form_of({0xd1, 0xd0}).form == Form::Generic);               // rcl eax, 1
  CHECK(form_of({0xc1, 0xc8, 0x06}).form == Form::Rotate);          // ror eax, 6
  CHECK(form_of({0x74, 0x02}).form == Form::Jcc);
  CHECK(form_of({0x0f, 0x82, 0, 0, 0, 0}).cc == 2);  // jb rel32
  CHECK(form_of({0xeb, 0x00}).form == Form::Jmp);
  CHECK(form_of({0xa1, 0, 0, 2, 0}, CodeSize::k32).load);             // mov eax, [0x20000]
  CHECK(form_of({0x0f, 0xb6, 0xc4}).src_size == 1);                   // movzx eax, ah
  CHECK(form_of({0x48, 0x63, 0xc1}).form == Form::MovX);              // movsxd rax, ecx
  CHECK(form_of({0x63, 0xc1}, CodeSize::k32).form == Form::Generic);  // arpl
  CHECK(form_of({0x8d, 0x04, 0x88}).form == Form::Lea);               // lea eax, [rax + rcx*4]
  CHECK(form_of({0x6b, 0xc1, 0x05}).imm_src);                         // imul eax, ecx, 5
  CHECK(form_of({0xc3}).form == Form::Ret);
  CHECK(form_of({0xc2, 8, 0}).form == Form::Generic);  // ret imm16
  CHECK(form_of({0x66, 0x50}).form == Form::Generic);  // push ax: not the stack width
}

TEST_CASE("jit: flags are recorded only where something can observe them", "[jit]") {
  // ror ebx, 6; mov ecx, eax; ror ecx, 11; xor ebx, ecx; mov edx, [rdi]; add ebx, edx; jnz
  const std::vector<u8> code = {0xc1, 0xcb, 0x06, 0x89, 0xc1, 0xc1, 0xc9, 0x0b,
                                0x31, 0xcb, 0x8b, 0x17, 0x01, 0xd3, 0x75, 0x00};
  const std::vector<Insn> insns = decode_all(code, CodeSize::k64);
  std::vector<jit::FormInfo> forms;
  for (const Insn& i : insns) forms.push_back(jit::classify(i));
  const std::vector<bool> live = jit::flags_live_after(insns, forms);
  REQUIRE(live.size() == 7);
  CHECK(forms[0].form == jit::Form::Rotate);  // overwritten by the XOR before anyone looks
  CHECK_FALSE(live[0]);
  CHECK(forms[2].form == jit::Form::Rotate);
  CHECK_FALSE(live[2]);
  CHECK(live[3]);  // the load after it may fault: the XOR's flags must be there
  CHECK(live[5]);  // read by JNZ
  // A rotate whose flags are observed stays with its handler (CF/OF rules).
  const std::vector<u8> tail = {0xc1, 0xcb, 0x06, 0x72, 0x00};  // ror ebx, 6; jc
  const std::vector<Insn> t = decode_all(tail, CodeSize::k64);
  std::vector<jit::FormInfo> tf = {jit::classify(t[0]), jit::classify(t[1])};
  jit::flags_live_after(t, tf);
  CHECK(tf[0].form == jit::Form::Generic);
}
