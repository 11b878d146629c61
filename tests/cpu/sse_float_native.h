// Runs one SSE instruction on the host CPU with a chosen register image, for the
// host-differential tests of the SSE floating-point handlers. The instruction reads and writes
// xmm0-xmm3, rax, rcx, mm0, mm1, EFLAGS, MXCSR and 64 bytes of memory addressed by rdx; the
// glasspc side of a test sets up the same image (see sse_float_diff_test.cpp). The x87 unit
// starts with TOP = 1 and every register empty, so that the switch to MMX mode (TOP = 0, all
// tags valid) of the MMX-operand forms is visible.
#pragma once

#if defined(__x86_64__)

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstddef>
#include <cstring>
#include <vector>

#include "bus/types.h"

namespace glasspc::test {

struct alignas(64) SseImage {
  u64 xmm[4][2];   // 0x00: xmm0-xmm3 (lo, hi)
  u64 rax, rcx;    // 0x40
  u64 mm0, mm1;    // 0x50
  u32 mxcsr;       // 0x60
  u32 host_mxcsr;  // 0x64 (scratch)
  u64 rflags;      // 0x68
  u64 faulted;     // 0x70: 1 = #XM (SIGFPE), 2 = #GP (SIGSEGV/SIGBUS)
  u64 pad;         // 0x78
  u8 mem[64];      // 0x80: the memory operand buffer (rdx)
  u8 fenv[32];     // 0xc0: FNSTENV after the instruction (28 bytes)
  u32 x87_mode;    // derived: TOP << 8 | abridged tag word
};
static_assert(offsetof(SseImage, mem) == 0x80);

class SseNativeRunner {
 public:
  SseNativeRunner() {
    m_page = static_cast<u8*>(mmap(nullptr, kPage, PROT_READ | PROT_WRITE | PROT_EXEC,
                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  }
  ~SseNativeRunner() {
    if (ok()) munmap(m_page, kPage);
  }
  SseNativeRunner(const SseNativeRunner&) = delete;
  SseNativeRunner& operator=(const SseNativeRunner&) = delete;
  bool ok() const { return m_page != MAP_FAILED; }

  // Runs `insn` on `image` (in and out). A SIGFPE (#XM) or SIGSEGV/SIGBUS (#GP, e.g. a
  // misaligned operand) from the instruction is caught: the handler records it in
  // image.faulted and resumes after the instruction, MXCSR as the fault left it. The handlers
  // are installed only while the runner's code runs.
  void run(const std::vector<u8>& insn, SseImage& image) {
    std::vector<u8> c = {
        0xf3, 0x0f, 0x6f, 0x47, 0x00, 0xf3, 0x0f, 0x6f, 0x4f, 0x10,  // movdqu xmm0/xmm1, [rdi]
        0xf3, 0x0f, 0x6f, 0x57, 0x20, 0xf3, 0x0f, 0x6f, 0x5f, 0x30,  // movdqu xmm2/xmm3
        0x48, 0x8b, 0x47, 0x40, 0x48, 0x8b, 0x4f, 0x48,              // mov rax/rcx
        0x0f, 0x6f, 0x47, 0x50, 0x0f, 0x6f, 0x4f, 0x58,              // movq mm0/mm1
        0x0f, 0x77, 0xd9, 0xf7,                                      // emms; fincstp
        0x48, 0x8d, 0x97, 0x80, 0x00, 0x00, 0x00,                    // lea rdx, [rdi+0x80]
        0xff, 0x77, 0x68, 0x9d,                                      // push [rdi+0x68]; popfq
        0x0f, 0xae, 0x5f, 0x64, 0x0f, 0xae, 0x57, 0x60,              // stmxcsr host; ldmxcsr
    };
    c.insert(c.end(), insn.begin(), insn.end());
    const size_t resume = c.size();
    c.insert(c.end(), {
                          0x9c, 0x8f, 0x47, 0x68,                          // pushfq; pop [rdi+0x68]
                          0x0f, 0xae, 0x5f, 0x60, 0x0f, 0xae, 0x57, 0x64,  // stmxcsr; ldmxcsr host
                          0xd9, 0xb7, 0xc0, 0x00, 0x00, 0x00,              // fnstenv [rdi+0xc0]
                          0xf3, 0x0f, 0x7f, 0x47, 0x00, 0xf3, 0x0f, 0x7f, 0x4f, 0x10,  // movdqu
                          0xf3, 0x0f, 0x7f, 0x57, 0x20, 0xf3, 0x0f, 0x7f, 0x5f, 0x30,
                          0x48, 0x89, 0x47, 0x40, 0x48, 0x89, 0x4f, 0x48,  // mov [rdi+..], rax/rcx
                          0x0f, 0x7f, 0x47, 0x50, 0x0f, 0x7f, 0x4f, 0x58,  // movq [rdi+..], mm0/mm1
                          0x0f, 0x77, 0xc3,                                // emms; ret
                      });
    std::memcpy(m_page, c.data(), c.size());
    const u64 resume_at = reinterpret_cast<u64>(m_page) + resume;
    std::memcpy(m_page + kResumeSlot, &resume_at, 8);
    image.faulted = 0;
    struct sigaction act {};
    act.sa_sigaction = on_fault;
    act.sa_flags = SA_SIGINFO;
    sigemptyset(&act.sa_mask);
    constexpr int kSignals[] = {SIGFPE, SIGSEGV, SIGBUS};
    struct sigaction old[3];
    for (int n = 0; n < 3; ++n) sigaction(kSignals[n], &act, &old[n]);
    reinterpret_cast<void (*)(SseImage*)>(m_page)(&image);
    for (int n = 0; n < 3; ++n) sigaction(kSignals[n], &old[n], nullptr);
    u16 fsw, ftw;
    std::memcpy(&fsw, image.fenv + 4, 2);
    std::memcpy(&ftw, image.fenv + 8, 2);
    u32 abridged = 0;
    for (unsigned n = 0; n < 8; ++n) {
      if (((ftw >> (2 * n)) & 3) != 3) abridged |= 1u << n;
    }
    image.x87_mode = (((fsw >> 11) & 7u) << 8) | abridged;
  }

 private:
  static constexpr size_t kPage = 4096;
  static constexpr size_t kResumeSlot = kPage - 8;

  // The faulting instruction is in the runner's page; its last slot holds the resume address.
  static void on_fault(int signal, siginfo_t*, void* context) {
    auto* uc = static_cast<ucontext_t*>(context);
    greg_t* g = uc->uc_mcontext.gregs;
    const u64 page = static_cast<u64>(g[REG_RIP]) & ~u64{kPage - 1};
    u64 resume;
    std::memcpy(&resume, reinterpret_cast<const void*>(page + kResumeSlot), 8);
    g[REG_RIP] = static_cast<greg_t>(resume);
    reinterpret_cast<SseImage*>(g[REG_RDI])->faulted = signal == SIGFPE ? 1 : 2;
  }

  u8* m_page = static_cast<u8*>(MAP_FAILED);
};

}  // namespace glasspc::test

#endif
