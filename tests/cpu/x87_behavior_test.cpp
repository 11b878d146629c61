// x87 behaviour that the host comparison cannot reach: exception delivery (#NM with CR0.TS/EM,
// deferred #MF with CR0.NE = 1, FERR# with CR0.NE = 0), stack faults with their masked and
// unmasked responses, FOP and the last instruction/data pointers, FNSTENV/FNSAVE/FRSTOR in the
// 16- and 32-bit layouts of protected and real mode, memory faults that must leave the state
// alone, and known answers for FXAM, FCOMI, FBLD/FBSTP and FISTTP that hold on any host.
#include <catch2/catch.hpp>

#include "bus/irq_line.h"
#include "cpu/float/x87.h"
#include "x87_guest.h"

namespace glasspc::test {
namespace {

using fp::F80;

constexpr u16 kSwC0 = 0x100, kSwC1 = 0x200, kSwC2 = 0x400, kSwC3 = 0x4000, kSwES = 0x80,
              kSwSF = 0x40, kSwB = 0x8000;

std::vector<u8> cat(std::initializer_list<std::vector<u8>> parts) {
  std::vector<u8> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const std::vector<u8> kFninit = {0xdb, 0xe3};
const std::vector<u8> kFld1 = {0xd9, 0xe8};
const std::vector<u8> kFldz = {0xd9, 0xee};
const std::vector<u8> kFldcw40 = {0xd9, 0x6b, 0x40};  // fldcw [rbx + 0x40]
const std::vector<u8> kFdivp = {0xde, 0xf9};          // fdivp st(1), st(0)
const std::vector<u8> kFwait = {0x9b};
const std::vector<u8> kFnclex = {0xdb, 0xe2};
const std::vector<u8> kFnstenv100 = {0xd9, 0xb3, 0x00, 0x01, 0x00, 0x00};  // [rbx + 0x100]

u16 guest_u16(X87Guest& g, u64 gpa) {
  return static_cast<u16>(g.machine().read_u32(gpa));
}

}  // namespace

TEST_CASE("x87 stack overflow and underflow, masked and unmasked", "[x87]") {
  X87Guest g;
  // Nine pushes with #IA masked: the ninth overflows, leaves the indefinite, C1 = 1, SF, IE.
  std::vector<u8> code = kFninit;
  for (int n = 0; n < 9; ++n) code = cat({code, kFld1});
  g.load_code(kX87Code, code);
  REQUIRE(g.run(kX87Code) == PmEnv::kNoVector);
  X87State& x = g.regs().x87;
  CHECK(x.st(0) == fp::kF80Indefinite);
  CHECK(x.ftw == 0xff);
  CHECK((x.fsw & 0x7f) == (kSwSF | 1));
  CHECK((x.fsw & kSwC1) != 0);
  CHECK((x.fsw & kSwES) == 0);
  CHECK(x.top() == 7);

  // Underflow: FADD with ST(1) empty, masked -> ST(0) = indefinite, C1 = 0.
  g.load_code(kX87Code + 0x100, cat({kFninit, kFld1, {0xd8, 0xc1}}));
  REQUIRE(g.run(kX87Code + 0x100) == PmEnv::kNoVector);
  CHECK(x.st(0) == fp::kF80Indefinite);
  CHECK((x.fsw & (kSwSF | kSwC1 | 1)) == (kSwSF | 1));

  // Unmasked: the destination and TOP stay, ES and B are set, nothing faults yet.
  u8 data[kX87DataSize] = {};
  put_u16(data + 0x40, 0x037e);  // IM clear
  g.load_code(kX87Code + 0x200, cat({kFninit, kFldcw40, kFld1, {0xd8, 0xc1}}));
  REQUIRE(g.run(kX87Code + 0x200, data) == PmEnv::kNoVector);
  CHECK(x.st(0) == fp::x87_constant(fp::X87Constant::kOne, fp::Rounding::kNearest));
  CHECK(x.top() == 7);
  CHECK((x.fsw & (kSwSF | kSwES | kSwB | 1)) == (kSwSF | kSwES | kSwB | 1));

  // Unmasked overflow: the push does not happen.
  put_u16(data + 0x40, 0x037e);
  code = cat({kFninit, kFldcw40});
  for (int n = 0; n < 9; ++n) code = cat({code, kFldz});
  g.load_code(kX87Code + 0x300, code);
  g.regs().cr0 &= ~cr0::NE;
  REQUIRE(g.run(kX87Code + 0x300, data) == PmEnv::kNoVector);
  CHECK(x.top() == 0);
  CHECK(x.ftw == 0xff);
  CHECK((x.fsw & (kSwC1 | kSwSF | kSwES | 1)) == (kSwC1 | kSwSF | kSwES | 1));
}

TEST_CASE("x87 unmasked exceptions are reported as #MF at the next waiting instruction", "[x87]") {
  X87Guest g;
  g.regs().cr0 |= cr0::NE;
  u8 data[kX87DataSize] = {};
  put_u16(data + 0x40, 0x037b);  // ZM clear
  const std::vector<u8> head = cat({kFninit, kFldcw40, kFld1, kFldz, kFdivp});
  // The division raises #Z: ST(1) stays, no pop, no fault yet; the next FLD1 faults.
  g.load_code(kX87Code, cat({head, kFld1}));
  REQUIRE(g.run(kX87Code, data) == vec::MF);
  CHECK(PmEnv::frame(g.machine(), 0, 8) == kX87Code + head.size());
  X87State& x = g.regs().x87;
  CHECK(x.top() == 6);
  CHECK((x.fsw & (kSwES | kSwB | 4)) == (kSwES | kSwB | 4));
  // FOP/FIP/FDP describe FDIVP, the last non-control instruction.
  CHECK(x.fop == 0x6f9);
  CHECK(x.fip == kX87Code + head.size() - 2);
  // FNSTENV (no wait) stores FSW with ES, then masks every exception, which ends the pending
  // state: the FLD1 after it runs.
  g.load_code(kX87Code + 0x80, cat({head, kFnstenv100, kFld1}));
  REQUIRE(g.run(kX87Code + 0x80, data) == PmEnv::kNoVector);
  CHECK((guest_u16(g, kX87Data + 0x104) & (kSwES | 4)) == (kSwES | 4));
  CHECK((x.fcw & 0x3f) == 0x3f);
  CHECK((x.fsw & (kSwES | kSwB | 4)) == 4);
  CHECK(x.top() == 5);

  // FWAIT reports it too; FNCLEX clears it and the same code then runs on.
  g.load_code(kX87Code + 0x100, cat({head, kFwait}));
  REQUIRE(g.run(kX87Code + 0x100, data) == vec::MF);
  CHECK(PmEnv::frame(g.machine(), 0, 8) == kX87Code + 0x100 + head.size());
  g.load_code(kX87Code + 0x200, cat({head, kFnclex, kFwait, kFld1}));
  REQUIRE(g.run(kX87Code + 0x200, data) == PmEnv::kNoVector);
  CHECK((x.fsw & (kSwES | kSwB | 0x3f)) == 0);
  CHECK(x.top() == 5);

  // FLDCW that unmasks a sticky flag sets ES; the next waiting instruction faults.
  put_u16(data + 0x40, 0x037b);
  g.load_code(kX87Code + 0x300, cat({kFninit, kFld1, kFldz, kFdivp, kFldcw40, kFld1}));
  REQUIRE(g.run(kX87Code + 0x300, data) == vec::MF);
  CHECK((x.fsw & kSwES) != 0);
}

TEST_CASE("x87 FERR# with CR0.NE = 0: execution continues", "[x87]") {
  Machine machine;
  machine.memory().allocate_ram(1 << 20);
  machine.memory().add_ram("ram", 0, 1 << 20, 0);
  IrqLine ferr("ferr", nullptr);
  CpuEnvironment env{machine.memory(),
                     machine.ports(),
                     machine.clock(),
                     machine.scheduler(),
                     machine.trace(),
                     machine,
                     &ferr};
  X86Cpu cpu(CpuConfig{}, env);
  CpuBootState boot;
  boot.mode = CpuBootState::Mode::Protected32Flat;
  boot.rip = 0x1000;
  boot.rsp = 0x8000;
  cpu.set_boot_state(boot);
  const u16 cw = 0x037b;  // ZM clear
  machine.memory().write_bytes(0x2000, &cw, 2);
  const std::vector<u8> code = {0xdb, 0xe3,                          // fninit
                                0xd9, 0x2d, 0x00, 0x20, 0x00, 0x00,  // fldcw [0x2000]
                                0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9,  // fld1; fldz; fdivp
                                0xd9, 0xe8,                          // fld1 (asserts FERR#)
                                0xf4};
  machine.memory().write_bytes(0x1000, code.data(), code.size());
  auto run = [&] {
    const Picoseconds end = machine.clock().now() + 10 * kPsPerMs;
    for (;;) {
      const CpuRunExit exit = cpu.run(end);
      if (exit != CpuRunExit::Deadline || machine.clock().now() >= end) return exit;
      machine.scheduler().run_due();
    }
  };
  REQUIRE((cpu.state().cr0 & cr0::NE) == 0);
  CHECK(run() == CpuRunExit::Halted);
  CHECK(ferr.level());
  X87State& x = cpu.state().x87;
  CHECK((x.fsw & (kSwES | 4)) == (kSwES | 4));
  CHECK(x.top() == 5);  // the FLD1 after the error ran
  CHECK(x.st(0) == fp::x87_constant(fp::X87Constant::kOne, fp::Rounding::kNearest));
  // FNCLEX drops FERR#.
  const std::vector<u8> clear = {0xdb, 0xe2, 0xf4};
  machine.memory().write_bytes(0x1100, clear.data(), clear.size());
  cpu.state().rip = 0x1100;
  cpu.state_changed();
  cpu.wake();
  CHECK(run() == CpuRunExit::Halted);
  CHECK_FALSE(ferr.level());
}

TEST_CASE("x87 #NM with CR0.TS and CR0.EM, and WAIT with CR0.MP", "[x87]") {
  X87Guest g;
  g.load_code(kX87Code, kFld1);
  g.load_code(kX87Code + 0x10, kFwait);
  g.load_code(kX87Code + 0x20, kFninit);
  g.load_code(kX87Code + 0x30, {0xdb, 0xe0});  // FNENI
  g.load_code(kX87Code + 0x40, {0xd9, 0xd1});  // reserved: #UD, or #NM
  X86State& s = g.regs();
  s.cr0 |= cr0::TS;
  CHECK(g.run(kX87Code) == vec::NM);
  CHECK(g.run(kX87Code + 0x20) == vec::NM);
  CHECK(g.run(kX87Code + 0x30) == vec::NM);
  CHECK(g.run(kX87Code + 0x40) == vec::NM);
  CHECK(g.run(kX87Code + 0x10) == PmEnv::kNoVector);  // WAIT: TS alone is not enough
  s.cr0 |= cr0::MP;
  CHECK(g.run(kX87Code + 0x10) == vec::NM);
  s.cr0 &= ~(cr0::TS | cr0::MP);
  s.cr0 |= cr0::EM;
  CHECK(g.run(kX87Code) == vec::NM);
  CHECK(g.run(kX87Code + 0x10) == PmEnv::kNoVector);  // WAIT ignores EM
  s.cr0 &= ~cr0::EM;
  CHECK(g.run(kX87Code + 0x40) == vec::UD);
  CHECK(g.run(kX87Code) == PmEnv::kNoVector);
}

TEST_CASE("x87 FOP and last instruction/data pointers", "[x87]") {
  X87Guest g;
  u8 data[kX87DataSize] = {};
  const u32 one = 0x3f800000;
  std::memcpy(data + 0x40, &one, 4);
  // fninit; fld1; fadd dword [rbx + 0x40]; fnstcw [rbx + 0x48]; fnstenv [rbx + 0x100]
  const std::vector<u8> code =
      cat({kFninit, kFld1, {0xd8, 0x43, 0x40}, {0xd9, 0x7b, 0x48}, kFnstenv100});
  g.load_code(kX87Code, code);
  REQUIRE(g.run(kX87Code, data) == PmEnv::kNoVector);
  const X87State& x = g.regs().x87;
  CHECK(x.fop == 0x043);
  CHECK(x.fip == kX87Code + 4);
  CHECK(x.fcs == PmEnv::kCode64);
  CHECK(x.fdp == kX87Data + 0x40);
  CHECK(x.fds == PmEnv::kData);
  // The 28-byte environment (64-bit mode uses the 32-bit protected-mode layout).
  const u8* env = data + 0x100;
  CHECK(get_u16(env + 0) == 0x037f);
  CHECK(get_u16(env + 2) == 0xffff);
  CHECK(get_u16(env + 8) == 0x3fff);  // ST(0) = 2.0 valid in R7, the rest empty
  u32 v;
  std::memcpy(&v, env + 12, 4);
  CHECK(v == static_cast<u32>(kX87Code + 4));
  std::memcpy(&v, env + 16, 4);
  CHECK(v == (PmEnv::kCode64 | (0x043u << 16)));
  std::memcpy(&v, env + 20, 4);
  CHECK(v == kX87Data + 0x40);
  CHECK(get_u16(env + 24) == PmEnv::kData);
  // SIB and RIP-relative forms rebuild their ModRM byte.
  g.load_code(kX87Code + 0x100, cat({kFninit, {0xdd, 0x44, 0x03, 0x40}}));  // [rbx+rax+0x40]
  g.load_code(kX87Code + 0x180, cat({kFninit, {0xdd, 0x05, 0, 0, 0, 0}}));  // fld qword [rip]
  g.regs().gpr[kRax] = 0;
  REQUIRE(g.run(kX87Code + 0x100, data) == PmEnv::kNoVector);
  CHECK(x.fop == 0x544);
  CHECK(x.fdp == kX87Data + 0x40);
  REQUIRE(g.run(kX87Code + 0x180, data) == PmEnv::kNoVector);
  CHECK(x.fop == 0x505);
  CHECK(x.fdp == kX87Code + 0x180 + 8);
}

TEST_CASE("x87 FNSAVE/FRSTOR and FNSTENV/FLDENV layouts round-trip", "[x87]") {
  X87Guest g;
  // State: ST(0) = denormal (special), ST(1) = 0 (zero), ST(2) = 1.0 (valid), ST(3) = NaN
  // (special), ST(4) empty, ST(5) = unnormal (special), rest empty; TOP = 3.
  F80 st[8] = {};
  st[0] = F80{0x1234, 0};
  st[1] = F80{0, 0x8000};
  st[2] = F80{0x8000000000000000ull, 0x3fff};
  st[3] = F80{0xc000000000000001ull, 0x7fff};
  st[5] = F80{0x4000000000000000ull, 0x4000};
  const u8 valid = 0x2f;
  for (bool size16 : {false, true}) {
    INFO("16-bit layout: " << size16);
    u8 data[kX87DataSize] = {};
    x87_restore_image(data + kRestoreImage, 0x0a7f, 3 << 11, valid, st);
    // frstor (32-bit image); fnsave [rbx + 0x200] in the layout under test; frstor that image;
    // fnstenv [rbx + 0x300] in the same layout.
    std::vector<u8> code = {0xdd, 0xa3, 0x00, 0x01, 0, 0};
    const std::vector<u8> save = {0xdd, 0xb3, 0x00, 0x02, 0, 0};
    const std::vector<u8> restore = {0xdd, 0xa3, 0x00, 0x02, 0, 0};
    const std::vector<u8> stenv = {0xd9, 0xb3, 0x00, 0x03, 0, 0};
    for (const auto* part : {&save, &restore, &stenv}) {
      if (size16) code.push_back(0x66);
      code.insert(code.end(), part->begin(), part->end());
    }
    g.load_code(kX87Code + (size16 ? 0x100 : 0), code);
    REQUIRE(g.run(kX87Code + (size16 ? 0x100 : 0), data) == PmEnv::kNoVector);
    const unsigned env = size16 ? 14 : 28;
    const u8* img = data + 0x200;
    const unsigned step = size16 ? 2 : 4;
    CHECK(get_u16(img) == 0x0a7f);
    CHECK(get_u16(img + step) == 3 << 11);
    // Full tags by physical register: R3 = 10, R4 = 01, R5 = 00, R6 = 10, R7 = 11, R0 = 10,
    // R1 = R2 = 11.
    CHECK(get_u16(img + 2 * step) == 0xe1be);
    for (unsigned n = 0; n < 8; ++n) CHECK(get_f80(img + env + 10 * n) == st[n]);
    // After FRSTOR of that image the state is back; FNSTENV sees the same tags.
    const X87State& x = g.regs().x87;
    CHECK(x.top() == 3);
    CHECK(x.ftw == static_cast<u8>((valid << 3) | (valid >> 5)));
    for (unsigned n = 0; n < 8; ++n) {
      if ((valid >> n) & 1) CHECK(x.reg[x.phys(n)] == st[n]);
    }
    CHECK(get_u16(data + 0x300 + 2 * step) == 0xe1be);
    CHECK((x.fcw & 0x3f) == 0x3f);  // FNSTENV masked everything
  }
}

TEST_CASE("x87 environment layouts in real mode and 32-bit protected mode", "[x87]") {
  // Real mode, 16-bit operand size: FIP/FDP are 20-bit linear addresses, FOP is stored.
  {
    CpuTestMachine m(1 << 20);
    // At 0100:0010: fninit; fld1; fadd dword [0x40]; fnstenv [0x80]; hlt (DS = 0).
    const std::vector<u8> code = {0xdb, 0xe3, 0xd9, 0xe8, 0xd8, 0x06, 0x40,
                                  0x00, 0xd9, 0x36, 0x80, 0x00, 0xf4};
    m.load(0x1010, code);
    m.boot_real(0x100, 0x10);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    u8 env[14];
    m.machine().memory().read_bytes(0x80, env, 14);
    CHECK(get_u16(env + 6) == 0x1014);               // FIP 15..0 (linear 0x1014)
    CHECK(get_u16(env + 8) == (0x006 | (0 << 12)));  // FOP = D8 06 -> 0x006; FIP 19..16 = 0
    CHECK(get_u16(env + 10) == 0x40);
    CHECK(get_u16(env + 12) == 0);
    // 32-bit operand size (66): the 28-byte real-mode layout.
    const std::vector<u8> code32 = {0x66, 0xd9, 0x36, 0xa0, 0x00, 0xf4};
    m.load(0x1030, code32);
    m.regs().rip = 0x30;
    m.cpu().state_changed();
    m.cpu().wake();
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    u8 env32[28];
    m.machine().memory().read_bytes(0xa0, env32, 28);
    u32 v;
    std::memcpy(&v, env32 + 12, 4);
    CHECK((v & 0xffff) == 0x1014);
    std::memcpy(&v, env32 + 16, 4);
    CHECK(v == 0x006);
    std::memcpy(&v, env32 + 20, 4);
    CHECK((v & 0xffff) == 0x40);
  }
  // 32-bit protected mode: offsets and selectors.
  {
    CpuTestMachine m(1 << 20);
    PmEnv::install(m, false);
    const std::vector<u8> code = {0xdb, 0xe3, 0xd9, 0xe8,                    // fninit; fld1
                                  0xd8, 0x05, 0x40, 0x20, 0x00, 0x00,        // fadd [0x2040]
                                  0xd9, 0x35, 0x80, 0x20, 0x00, 0x00,        // fnstenv [0x2080]
                                  0x66, 0xd9, 0x35, 0xc0, 0x20, 0x00, 0x00,  // fnstenv16 [0x20c0]
                                  0xf4};
    m.load(0x1000, code);
    m.boot_flat32(0x1000);
    REQUIRE(m.run_until_halt() == CpuRunExit::Halted);
    u8 env[28];
    m.machine().memory().read_bytes(0x2080, env, 28);
    u32 v;
    std::memcpy(&v, env + 12, 4);
    CHECK(v == 0x1004);
    std::memcpy(&v, env + 16, 4);
    CHECK(v == (0x10u | (0x005u << 16)));
    std::memcpy(&v, env + 20, 4);
    CHECK(v == 0x2040);
    CHECK(get_u16(env + 24) == 0x18);
    u8 env16[14];
    m.machine().memory().read_bytes(0x20c0, env16, 14);
    CHECK(get_u16(env16 + 0) == 0x037f);  // FNSTENV before masked everything again
    CHECK(get_u16(env16 + 6) == 0x1004);
    CHECK(get_u16(env16 + 8) == 0x10);
    CHECK(get_u16(env16 + 10) == 0x2040);
    CHECK(get_u16(env16 + 12) == 0x18);
  }
}

TEST_CASE("x87 memory faults leave the x87 state unchanged", "[x87]") {
  X87Guest g;
  // fninit; fld1; fldz; then fstp dword [0x300000] (not mapped: #PF).
  const std::vector<u8> code = cat({kFninit, kFld1, kFldz, {0xd9, 0x1c, 0x25, 0, 0, 0x30, 0}});
  g.load_code(kX87Code, code);
  REQUIRE(g.run(kX87Code) == vec::PF);
  const X87State& x = g.regs().x87;
  CHECK(x.top() == 6);
  CHECK(x.ftw == 0xc0);
  CHECK((x.fsw & 0x3f) == 0);
  CHECK(x.fop == 0x1ee);  // still FLDZ
  // FNSAVE to a range whose end is not mapped writes nothing and does not reinitialize.
  g.load_code(kX87Code + 0x100, cat({kFninit, kFld1, {0xdd, 0x34, 0x25, 0xd0, 0xff, 0x1f, 0}}));
  REQUIRE(g.run(kX87Code + 0x100) == vec::PF);
  CHECK(x.top() == 7);
  CHECK(x.ftw == 0x80);
  CHECK(g.machine().read_u32(0x1fffd0) == 0);
}

TEST_CASE("x87 known answers: FXAM, FCOMI, FBLD/FBSTP, FISTTP", "[x87]") {
  X87Guest g;
  u8 data[kX87DataSize] = {};
  // FXAM classes (SDM Vol. 2A FXAM): value -> C3 C2 C0, sign -> C1.
  struct Case {
    F80 v;
    bool valid;
    u16 codes;
  } cases[] = {
      {F80{0, 0x8000}, true, kSwC3 | kSwC1},                      // -0: zero, sign
      {F80{0x8000000000000000ull, 0x3fff}, true, kSwC2},          // normal
      {F80{0x8000000000000000ull, 0x7fff}, true, kSwC2 | kSwC0},  // infinity
      {F80{0xc000000000000000ull, 0x7fff}, true, kSwC0},          // NaN
      {F80{1, 0}, true, kSwC3 | kSwC2},                           // denormal
      {F80{0x4000000000000000ull, 0x4000}, true, 0},              // unnormal: unsupported
      {F80{0, 0}, false, kSwC3 | kSwC0},                          // empty
  };
  for (const Case& k : cases) {
    F80 st[8] = {k.v};
    x87_restore_image(data + kRestoreImage, 0x037f, 0, k.valid ? 1 : 0, st);
    g.load_code(kX87Code, x87_body({0xd9, 0xe5}));
    REQUIRE(g.run(kX87Code, data) == PmEnv::kNoVector);
    CHECK((get_u16(data + kSaveImage + 4) & (kSwC0 | kSwC1 | kSwC2 | kSwC3)) == k.codes);
  }
  // FCOMI: 1 < 2 -> CF; NaN -> ZF PF CF and #IA; OF/SF/AF cleared.
  F80 st[8] = {F80{0x8000000000000000ull, 0x3fff}, F80{0x8000000000000000ull, 0x4000}};
  x87_restore_image(data + kRestoreImage, 0x037f, 0, 3, st);
  const u64 flags_in = 0x2 | 0x800 | 0x80 | 0x10 | 0x40;
  std::memcpy(data + kFlagsIn, &flags_in, 8);
  g.load_code(kX87Code + 0x100, x87_body({0xdb, 0xf1}));
  REQUIRE(g.run(kX87Code + 0x100, data) == PmEnv::kNoVector);
  u64 flags_out;
  std::memcpy(&flags_out, data + kFlagsOut, 8);
  CHECK((flags_out & 0x8d5) == 0x1);
  st[1] = F80{0xc000000000000000ull, 0x7fff};
  x87_restore_image(data + kRestoreImage, 0x037f, 0, 3, st);
  REQUIRE(g.run(kX87Code + 0x100, data) == PmEnv::kNoVector);
  std::memcpy(&flags_out, data + kFlagsOut, 8);
  CHECK((flags_out & 0x8d5) == 0x45);
  CHECK((get_u16(data + kSaveImage + 4) & 1) == 1);
  // FBSTP -123456789012345678, then FBLD it back.
  st[0] = fp::int_to_f80(-123456789012345678ll);
  x87_restore_image(data + kRestoreImage, 0x037f, 0, 1, st);
  g.load_code(kX87Code + 0x200, x87_body({0xdf, 0x73, 0x40, 0xdf, 0x63, 0x40}));
  REQUIRE(g.run(kX87Code + 0x200, data) == PmEnv::kNoVector);
  const u8 bcd[10] = {0x78, 0x56, 0x34, 0x12, 0x90, 0x78, 0x56, 0x34, 0x12, 0x80};
  CHECK(std::memcmp(data + 0x40, bcd, 10) == 0);
  CHECK(get_f80(data + kSaveImage + 28) == st[0]);
  // FISTTP truncates whatever RC says: -2.75 -> -2 under RC = down.
  st[0] = F80{0xb000000000000000ull, 0xc000};
  x87_restore_image(data + kRestoreImage, 0x077f, 0, 1, st);
  g.load_code(kX87Code + 0x300, x87_body({0xdb, 0x4b, 0x40}));
  REQUIRE(g.run(kX87Code + 0x300, data) == PmEnv::kNoVector);
  i32 got;
  std::memcpy(&got, data + 0x40, 4);
  CHECK(got == -2);
  CHECK((get_u16(data + kSaveImage + 8) & 0xff) == 0xff);  // popped: every tag empty
}

}  // namespace glasspc::test
