// Seeded, edge-weighted input generation and instruction encoding for the x87/MMX/SSE
// differential tests: builds one random SimdState and the bytes of one instance of a Form.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "simd_diff_form.h"
#include "simd_insn_env.h"

namespace glasspc::test {

// Memory operands are [r15 + disp] with r15 pointing at the middle of the data buffer.
constexpr unsigned kSimdBase = kR15;
constexpr u64 kSimdBaseOffset = 128;

// One generated instance of a form.
struct SimdCase {
  std::vector<u8> code;
  SimdState in;
  bool mem = false;   // memory form
  unsigned addr = 0;  // offset of the memory operand in the data buffer
  unsigned reg = 0;   // ModRM.reg register number (when a register)
  unsigned rm = 0;    // ModRM.rm register number (register forms)
};

class SimdGen {
 public:
  explicit SimdGen(u64 seed) : m_rng(seed) {}

  SimdCase next(const Form& f, bool mem);

  u32 below(u32 n) { return static_cast<u32>(m_rng() % n); }
  bool coin() { return (m_rng() & 1) != 0; }
  u64 raw() { return m_rng(); }

  u32 f32();
  u64 f64();
  fp::F80 f80();
  u64 int_lane(unsigned bytes);
  u64 gpr_value();

 private:
  void fill_state(const Form& f, SimdCase& k);
  void fill_lanes(Lane lane, u8* p, unsigned size, unsigned phase);
  void fill_memory(const Form& f, SimdCase& k);
  void fill_x87(const Form& f, SimdState& s);
  void fill_env(u8* p, bool with_registers, bool bits16);
  // Any GPR but RSP and the memory base. With CRC32's byte operand, 4-7 name AH..BH without
  // a REX prefix and SPL..DIL with one; both decode the same on the host and in glasspc.
  unsigned gpr_number();

  std::mt19937_64 m_rng;
};

}  // namespace glasspc::test
