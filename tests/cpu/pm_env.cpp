#include "pm_env.h"

namespace glasspc::test {

void PmEnv::install(CpuTestMachine& m, bool long_mode) {
  const u64 gdt[] = {
      0,
      0,
      0x00cf9a000000ffffull,  // 0x10 code32 DPL0
      0x00cf92000000ffffull,  // 0x18 data DPL0
      0x00af9a000000ffffull,  // 0x20 code64 DPL0
      0x00cffa000000ffffull,  // 0x28 code32 DPL3
      0x00cff2000000ffffull,  // 0x30 data DPL3
      0x00affa000000ffffull,  // 0x38 code64 DPL3
      // 0x40: available 32/64-bit TSS at kTss, limit 0x67
      0x0000890000000067ull | ((kTss & 0xffffff) << 16) | ((kTss >> 24) << 56),
      0,
  };
  for (unsigned i = 0; i < sizeof(gdt) / 8; ++i) m.write_u64(kGdt + 8 * i, gdt[i]);
  for (unsigned i = 0; i < 0x68; i += 4) m.write_u32(kTss + i, 0);
  m.write_u32(kTss + 4, kRing0Stack);            // ESP0 / RSP0 low
  m.write_u32(kTss + 8, long_mode ? 0 : kData);  // SS0 (RSP0 high in long mode)
  m.write_u32(kTss + 0x24, 0x5000);              // IST1 (long mode)
  m.write_u32(kTss + 0x64, 0x00680000);          // I/O map base beyond the limit: no bitmap
  m.write_u32(kRecord, kNoVector);
  for (unsigned v = 0; v < 256; ++v) {
    const u64 stub = kStubs + 32 * v;
    // ss: mov dword [kRecord], v ; ss: mov [kRecord + 8], rsp/esp ; hlt. SS, not DS: an
    // interrupt from virtual-8086 mode arrives with null data segments.
    std::vector<u8> code = {0x36, 0xc7, 0x04, 0x25, 0x00, 0x06, 0x00, 0x00, static_cast<u8>(v),
                            0,    0,    0,    0x36};
    if (long_mode) code.push_back(0x48);
    for (u8 b : {0x89, 0x24, 0x25, 0x08, 0x06, 0x00, 0x00, 0xf4}) code.push_back(b);
    m.load(stub, code);
    if (long_mode) {
      const u64 lo =
          (stub & 0xffff) | (u64{kCode64} << 16) | (u64{0x8e00} << 32) | ((stub >> 16) << 48);
      m.write_u64(kIdt + 16 * v, lo);
      m.write_u64(kIdt + 16 * v + 8, stub >> 32);
    } else {
      const u64 lo =
          (stub & 0xffff) | (u64{kCode32} << 16) | (u64{0x8e00} << 32) | ((stub >> 16) << 48);
      m.write_u64(kIdt + 8 * v, lo);
    }
  }
  m.write_u64(0x600 + 8, 0);
  X86State& s = m.regs();
  s.gdtr = {kGdt, static_cast<u16>(sizeof(gdt) - 1)};
  s.idtr = {kIdt, static_cast<u16>(long_mode ? 256 * 16 - 1 : 256 * 8 - 1)};
  s.tr = {kTssSel, kTss, 0x67, static_cast<u16>(attr::P | 0xb)};
  m.write_u64(kGdt + kTssSel, gdt[8] | (u64{2} << 40));  // mark busy, as LTR would
  m.cpu().state_changed();
}

void PmEnv::enable_paging32(CpuTestMachine& m) {
  m.write_u32(0x20000, static_cast<u32>(kPt32 | 7));
  for (u32 i = 0; i < 1024; ++i) m.write_u32(kPt32 + 4 * i, (i << 12) | 7);
  X86State& s = m.regs();
  s.cr3 = 0x20000;
  s.cr0 |= cr0::PG | cr0::WP;
  m.cpu().state_changed();
}

void PmEnv::enter_long_mode(CpuTestMachine& m, u64 rip, u64 rsp) {
  m.write_u64(0x30000, 0x31000 | 7);
  m.write_u64(0x31000, 0x32000 | 7);
  m.write_u64(0x32000, kPt64 | 7);
  for (u64 i = 0; i < 512; ++i) m.write_u64(kPt64 + 8 * i, (i << 12) | 7);
  X86State& s = m.regs();
  s.cr3 = 0x30000;
  s.cr4 |= cr4::PAE;
  s.efer |= efer::LME | efer::LMA | efer::NXE;
  s.cr0 |= cr0::PG | cr0::PE | cr0::WP;
  s.seg[kCs] = Segment{kCode64, 0, 0xffffffff,
                       static_cast<u16>(attr::P | attr::S | attr::kCode | attr::kReadable |
                                        attr::L | attr::G | attr::kAccessed)};
  for (unsigned seg : {kEs, kSs, kDs, kFs, kGs}) {
    s.seg[seg] = Segment{kData, 0, 0xffffffff,
                         static_cast<u16>(attr::P | attr::S | attr::kWritable | attr::DB | attr::G |
                                          attr::kAccessed)};
  }
  s.cpl = 0;
  s.rip = rip;
  s.gpr[kRsp] = rsp;
  m.cpu().state_changed();
}

void PmEnv::enter_user(CpuTestMachine& m, bool code64) {
  X86State& s = m.regs();
  s.seg[kCs] =
      Segment{code64 ? kUserCode64 : kUserCode32, 0, 0xffffffff,
              static_cast<u16>(attr::P | attr::S | attr::kCode | attr::kReadable | (3 << 5) |
                               attr::G | attr::kAccessed | (code64 ? attr::L : attr::DB))};
  for (unsigned seg : {kEs, kSs, kDs, kFs, kGs}) {
    s.seg[seg] = Segment{kUserData, 0, 0xffffffff,
                         static_cast<u16>(attr::P | attr::S | attr::kWritable | attr::DB | attr::G |
                                          attr::kAccessed | (3 << 5))};
  }
  s.cpl = 3;
  m.cpu().state_changed();
}

}  // namespace glasspc::test
