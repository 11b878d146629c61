// Host and glasspc runners for the x87/MMX/SSE differential tests (see simd_insn_env.h).
#include "simd_insn_env.h"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace glasspc::test {

namespace {

// Byte offsets in the legacy FXSAVE area (SDM Vol. 1 Table 10-2).
constexpr unsigned kFxFcw = 0, kFxFsw = 2, kFxFtw = 4, kFxMxcsr = 24, kFxSt = 32, kFxXmm = 160;

}  // namespace

HostFeatures HostFeatures::detect() {
  HostFeatures f;
#if defined(__x86_64__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d)) {
    f.sse = (d >> 25) & 1;
    f.sse2 = (d >> 26) & 1;
    f.sse3 = c & 1;
    f.pclmul = (c >> 1) & 1;
    f.ssse3 = (c >> 9) & 1;
    f.sse41 = (c >> 19) & 1;
    f.sse42 = (c >> 20) & 1;
    f.aes = (c >> 25) & 1;
    // AVX needs the OS to enable YMM state: CPUID.1:ECX.OSXSAVE and XCR0 bits 1-2.
    if (((c >> 27) & 1) && ((c >> 28) & 1)) {
      u32 lo = 0, hi = 0;
      asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
      f.avx = (lo & 6) == 6;
    }
  }
#endif
  return f;
}

// The native frame: the guest FXSAVE image, the host's own FXSAVE image (restored after the
// body so the test program's x87/MXCSR state is untouched), GPRs and RFLAGS.
struct SimdNativeRunner::Frame {
  alignas(16) u8 fx[512];
  alignas(16) u8 host_fx[512];
  u64 gpr[16];
  u64 flags;
};

namespace {
constexpr u32 kFrameFx = 0, kFrameHostFx = 512, kFrameGpr = 1024, kFrameFlags = 1152;
static_assert(kFrameFlags + 8 <= 1168);
}  // namespace

SimdNativeRunner::SimdNativeRunner() {
  void* p =
      mmap(nullptr, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  m_code = p == MAP_FAILED ? nullptr : static_cast<u8*>(p);
  m_frame = new Frame{};
}

SimdNativeRunner::~SimdNativeRunner() {
  if (m_code) munmap(m_code, 8192);
  delete m_frame;
}

bool SimdNativeRunner::ok() const {
  return m_code != nullptr;
}

void SimdNativeRunner::run(const std::vector<u8>& body, SimdState& st) {
#if defined(__x86_64__)
  Frame& f = *m_frame;
  std::memset(f.fx, 0, sizeof(f.fx));
  std::memcpy(f.fx + kFxFcw, &st.fcw, 2);
  std::memcpy(f.fx + kFxFsw, &st.fsw, 2);
  f.fx[kFxFtw] = st.ftw;
  std::memcpy(f.fx + kFxMxcsr, &st.mxcsr, 4);
  for (unsigned i = 0; i < 8; ++i) {
    std::memcpy(f.fx + kFxSt + 16 * i, &st.st[i].significand, 8);
    std::memcpy(f.fx + kFxSt + 16 * i + 8, &st.st[i].sign_exponent, 2);
  }
  for (unsigned i = 0; i < 16; ++i) {
    std::memcpy(f.fx + kFxXmm + 16 * i, &st.xmm[i].lo, 8);
    std::memcpy(f.fx + kFxXmm + 16 * i + 8, &st.xmm[i].hi, 8);
  }
  const u64 base = reinterpret_cast<u64>(st.data.data());
  for (unsigned r = 0; r < 16; ++r) f.gpr[r] = st.gpr[r] + (((st.pointers >> r) & 1) ? base : 0);
  f.flags = 0x202 | (st.rflags & flag::kArith);

  const u64 slots = reinterpret_cast<u64>(m_code) + 4096;  // frame pointer, guest RAX
  std::vector<u8> c;
  auto emit = [&](std::initializer_list<u8> bytes) { c.insert(c.end(), bytes); };
  auto emit32 = [&](u32 v) {
    for (int i = 0; i < 4; ++i) c.push_back(static_cast<u8>(v >> (8 * i)));
  };
  auto emit64 = [&](u64 v) {
    for (int i = 0; i < 8; ++i) c.push_back(static_cast<u8>(v >> (8 * i)));
  };
  emit({0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57});  // push rbx..r15
  emit({0x0f, 0xae, 0x87});                                            // fxsave [rdi + host_fx]
  emit32(kFrameHostFx);
  emit({0x0f, 0xae, 0x0f});  // fxrstor [rdi]
  emit({0x48, 0xb8});        // mov rax, slot0; mov [rax], rdi
  emit64(slots);
  emit({0x48, 0x89, 0x38});
  emit({0xff, 0xb7});  // push qword [rdi + flags]; popfq
  emit32(kFrameFlags);
  emit({0x9d});
  for (unsigned r = 0; r < 16; ++r) {
    if (r == kRsp || r == kRdi) continue;
    emit({static_cast<u8>(0x48 | ((r & 8) ? 4 : 0)), 0x8b, static_cast<u8>(0x87 | ((r & 7) << 3))});
    emit32(kFrameGpr + 8 * r);
  }
  emit({0x48, 0x8b, 0xbf});  // mov rdi, [rdi + gpr[rdi]]
  emit32(kFrameGpr + 8 * kRdi);
  c.insert(c.end(), body.begin(), body.end());
  emit({0x48, 0xa3});  // mov [slot1], rax
  emit64(slots + 8);
  emit({0x48, 0xa1});  // mov rax, [slot0]
  emit64(slots);
  for (unsigned r = 0; r < 16; ++r) {
    if (r == kRsp || r == kRax) continue;
    emit({static_cast<u8>(0x48 | ((r & 8) ? 4 : 0)), 0x89, static_cast<u8>(0x80 | ((r & 7) << 3))});
    emit32(kFrameGpr + 8 * r);
  }
  emit({0x9c, 0x8f, 0x80});  // pushfq; pop qword [rax + flags]
  emit32(kFrameFlags);
  emit({0x48, 0xb9});  // mov rcx, slot1; mov rcx, [rcx]; mov [rax + gpr[rax]], rcx
  emit64(slots + 8);
  emit({0x48, 0x8b, 0x09, 0x48, 0x89, 0x88});
  emit32(kFrameGpr);
  emit({0x0f, 0xae, 0x00});  // fxsave [rax]
  emit({0x0f, 0xae, 0x88});  // fxrstor [rax + host_fx]
  emit32(kFrameHostFx);
  emit({0xfc});  // cld
  emit({0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b, 0xc3});
  std::memcpy(m_code, c.data(), c.size());
  reinterpret_cast<void (*)(Frame*)>(m_code)(&f);

  std::memcpy(&st.fcw, f.fx + kFxFcw, 2);
  std::memcpy(&st.fsw, f.fx + kFxFsw, 2);
  st.ftw = f.fx[kFxFtw];
  std::memcpy(&st.mxcsr, f.fx + kFxMxcsr, 4);
  for (unsigned i = 0; i < 8; ++i) {
    std::memcpy(&st.st[i].significand, f.fx + kFxSt + 16 * i, 8);
    std::memcpy(&st.st[i].sign_exponent, f.fx + kFxSt + 16 * i + 8, 2);
  }
  for (unsigned i = 0; i < 16; ++i) {
    std::memcpy(&st.xmm[i].lo, f.fx + kFxXmm + 16 * i, 8);
    std::memcpy(&st.xmm[i].hi, f.fx + kFxXmm + 16 * i + 8, 8);
  }
  for (unsigned r = 0; r < 16; ++r) st.gpr[r] = f.gpr[r] - (((st.pointers >> r) & 1) ? base : 0);
  st.rflags = f.flags & flag::kArith;
#else
  (void)body;
  (void)st;
#endif
}

SimdGlassRunner::SimdGlassRunner() : m_machine(4 << 20) {
  PmEnv::install(m_machine, true);
  PmEnv::enter_long_mode(m_machine, kCodeGpa, kStackGpa);
  X86State& s = m_machine.regs();
  s.cr0 = (s.cr0 | cr0::MP | cr0::NE) & ~(cr0::EM | cr0::TS);
  s.cr4 |= cr4::OSFXSR | cr4::OSXMMEXCPT;
  m_machine.cpu().state_changed();
}

u32 SimdGlassRunner::run(const std::vector<u8>& body, SimdState& st) {
  CpuTestMachine& m = m_machine;
  std::vector<u8> code = body;
  code.push_back(0xf4);  // hlt
  m.load(kCodeGpa, code);
  m.load(kDataGpa, std::vector<u8>(st.data.begin(), st.data.end()));
  X86State& s = m.regs();
  for (unsigned r = 0; r < 16; ++r)
    s.gpr[r] = st.gpr[r] + (((st.pointers >> r) & 1) ? kDataGpa : 0);
  s.gpr[kRsp] = kStackGpa;
  s.rip = kCodeGpa;
  s.x87 = X87State{};
  s.x87.fcw = st.fcw;
  s.x87.fsw = st.fsw;
  s.x87.ftw = st.ftw;
  for (unsigned i = 0; i < 8; ++i) s.x87.st(i) = st.st[i];
  for (unsigned i = 0; i < 16; ++i) s.xmm[i] = st.xmm[i];
  s.mxcsr = st.mxcsr;
  m.cpu().set_rflags(0x202 | (st.rflags & flag::kArith));
  m.cpu().state_changed();
  m.cpu().wake();
  m.write_u32(PmEnv::kRecord, PmEnv::kNoVector);
  m_halted = m.run_until_halt() == CpuRunExit::Halted;
  const u32 vector = PmEnv::vector(m);

  m.machine().memory().read_bytes(kDataGpa, st.data.data(), kSimdDataSize);
  for (unsigned r = 0; r < 16; ++r)
    st.gpr[r] = s.gpr[r] - (((st.pointers >> r) & 1) ? kDataGpa : 0);
  st.rflags = m.cpu().rflags() & flag::kArith;
  st.fcw = s.x87.fcw;
  st.fsw = s.x87.fsw;
  st.ftw = s.x87.ftw;
  for (unsigned i = 0; i < 8; ++i) st.st[i] = s.x87.st(i);
  for (unsigned i = 0; i < 16; ++i) st.xmm[i] = s.xmm[i];
  st.mxcsr = s.mxcsr;
  return vector;
}

std::string hex_bytes(const u8* p, unsigned n) {
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += fmt::format("{}{:02x}", i ? " " : "", p[i]);
  return out;
}

std::string f80_text(const fp::F80& v) {
  return fmt::format("{:04x}:{:016x}", v.sign_exponent, v.significand);
}

std::string vec_text(const simd::Vec128& v) {
  return fmt::format("{:016x}_{:016x}", v.hi, v.lo);
}

}  // namespace glasspc::test
