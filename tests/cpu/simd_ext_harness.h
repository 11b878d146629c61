// Test harness for the 0F 38 / 0F 3A instructions (tests/cpu/simd_ext_*_test.cpp): encodes one
// instruction, runs it on the host CPU (bytes copied into an executable page) and in glasspc in
// 64-bit mode from the same register image and 64-byte data buffer, and reports both results.
//
// Register conventions of the encoded instructions: memory operands are [rsi + disp8] into the
// data buffer; rsp, rsi and rdi are never named as general-register operands (rdi holds the image
// pointer of the native runner).
#pragma once

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "cpu/simd/vec128.h"
#include "pm_env.h"

namespace glasspc::test::simd_ext {

using simd::Vec128;

struct Image {
  Vec128 xmm[16];
  u64 mm[8];
  u64 gpr[16];
  u64 flags;
};

constexpr unsigned kDataSize = 64;

struct Data {
  alignas(64) u8 bytes[kDataSize];
};

// ModRM.rm operand: register `n`, or memory [rsi + disp].
struct Rm {
  bool mem = false;
  unsigned n = 0;
  i8 disp = 0;
};

struct Encoding {
  u8 prefix = 0;        // mandatory prefix: 0, 0x66 or 0xF2
  bool opsize = false;  // an extra 66 before the mandatory prefix (CRC32 r/m16)
  bool rex_w = false;
  bool rex = false;  // emit a REX prefix even when no bit is set
  u8 map = 0x38;     // 0x38 or 0x3A
  u8 op = 0;
  unsigned reg = 0;  // ModRM.reg (with REX.R for 8..15)
  Rm rm;
  std::optional<u8> imm;
};

std::vector<u8> encode(const Encoding& e);
std::string hex(const std::vector<u8>& bytes);

// The edge-weighted random source: integer extremes and zero per lane, mixed with random bits.
class Gen {
 public:
  explicit Gen(u64 seed) : m_rng(seed) {}
  u64 bits() { return m_rng(); }
  unsigned below(unsigned n) { return static_cast<unsigned>(m_rng() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  u64 qword();  // edge-weighted lanes of a random width
  Vec128 vec() { return {qword(), qword()}; }
  // Bytes or words from a small alphabet (with nulls) so that the string compares find matches.
  Vec128 string_vec(bool words);
  i64 string_length(bool rex_w);
  Image image();
  Data data();

 private:
  std::mt19937_64 m_rng;
};

// Everything an instruction can change, from one run.
struct Result {
  Image image;
  Data data;
  u32 vector = PmEnv::kNoVector;  // glasspc: exception taken (kNoVector: none)
  u64 error_code = 0;
  u16 fsw = 0;  // glasspc x87 status and abridged tag words afterwards
  u8 ftw = 0;
};

class Runner {
 public:
  static constexpr u64 kCodeGpa = 0x10000;
  static constexpr u64 kDataGpa = 0x20000;

  // `code32`: 32-bit flat protected mode instead of 64-bit mode (encodings must then avoid REX).
  explicit Runner(bool code32 = false);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  bool native_ok() const;
  bool code32() const { return m_code32; }
  Result native(const std::vector<u8>& code, const Image& in, const Data& data);
  // Runs in glasspc in 64-bit (or 32-bit) mode at CPL 0 with CR4.OSFXSR set, then the adjustments
  // below.
  Result guest(const std::vector<u8>& code, const Image& in, const Data& data);
  CpuTestMachine& machine() { return m_machine; }

  // Guest state applied before each run (tests of #NM/#UD/x87 mode flip these).
  u64 cr0_set = 0, cr0_clear = 0, cr4_clear = 0;
  u16 x87_fsw = 0;
  u8 x87_ftw = 0;
  u64 guest_rsi = kDataGpa;  // base of the memory operands (a bad address provokes faults)

 private:
  CpuTestMachine m_machine{4 << 20};
  bool m_code32 = false;
  u8* m_page = nullptr;
};

// Compares what both runs produced: all xmm registers, the mm registers when `mmx`, the general
// registers other than rsp/rsi/rdi, the six status flags, and the data buffer. Returns a
// description of the differences (empty when equal).
std::string compare(const Result& want, const Result& got, bool mmx);

}  // namespace glasspc::test::simd_ext
