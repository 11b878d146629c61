// Published known answers that hold on every host: CRC-32C check value, FIPS-197 AES-128 round
// vectors, carry-less products, and the Vec128 lane layout.
#include <cstring>

#include "cpu/simd/simd.h"
#include "tests/cpu/simd/simd_oracle.h"

namespace glasspc::simd::test {
namespace {

using V = Vec128;

// A register from a FIPS-197 hex string: the first two digits are byte 0.
V from_fips(const char* hex_bytes) {
  V v;
  for (unsigned i = 0; i < 16; ++i) {
    const char pair[3] = {hex_bytes[2 * i], hex_bytes[2 * i + 1], 0};
    v.set_byte(i, static_cast<u8>(std::strtoul(pair, nullptr, 16)));
  }
  return v;
}

// One AES-128 key-expansion step with AESKEYGENASSIST (the round constant as imm8).
V expand_key(V key, u8 rcon) {
  const V assist = pshufd(aeskeygenassist(key, rcon), 0xFF);
  key = pxor(key, pslldq(key, 4));
  key = pxor(key, pslldq(key, 4));
  key = pxor(key, pslldq(key, 4));
  return pxor(key, assist);
}

struct KeySchedule {
  V round[11];
};

KeySchedule schedule(V key) {
  static constexpr u8 kRcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1B, 0x36};
  KeySchedule s;
  s.round[0] = key;
  for (unsigned i = 0; i < 10; ++i) s.round[i + 1] = expand_key(s.round[i], kRcon[i]);
  return s;
}

TEST_CASE("CRC-32C check value of \"123456789\" is 0xE3069283") {
  const char* text = "123456789";
  u32 crc = 0xFFFFFFFF;
  for (const char* p = text; *p; ++p) crc = crc32c_u8(crc, static_cast<u8>(*p));
  CHECK(~crc == 0xE3069283u);

  // The same message through the wider forms, least significant byte first.
  u64 le = 0;
  for (int i = 7; i >= 0; --i) le = (le << 8) | static_cast<u8>(text[i]);
  u32 wide = crc32c_u64(0xFFFFFFFF, le);
  wide = crc32c_u8(wide, '9');
  CHECK(~wide == 0xE3069283u);
  u32 mixed = crc32c_u16(0xFFFFFFFF, static_cast<u16>('1' | ('2' << 8)));
  mixed = crc32c_u32(mixed, u32{'3'} | u32{'4'} << 8 | u32{'5'} << 16 | u32{'6'} << 24);
  mixed = crc32c_u16(mixed, static_cast<u16>('7' | ('8' << 8)));
  mixed = crc32c_u8(mixed, '9');
  CHECK(~mixed == 0xE3069283u);
}

TEST_CASE("AES-128 matches the FIPS-197 appendix C.1 round vectors") {
  const KeySchedule keys = schedule(from_fips("000102030405060708090a0b0c0d0e0f"));
  CHECK(keys.round[1] == from_fips("d6aa74fdd2af72fadaa678f1d6ab76fe"));
  CHECK(keys.round[2] == from_fips("b692cf0b643dbdf1be9bc5006830b3fe"));
  CHECK(keys.round[10] == from_fips("13111d7fe3944a17f307a78b4d2b30c5"));

  const V plain = from_fips("00112233445566778899aabbccddeeff");
  V state = pxor(plain, keys.round[0]);
  CHECK(state == from_fips("00102030405060708090a0b0c0d0e0f0"));  // round[1].start
  state = aesenc(state, keys.round[1]);
  CHECK(state == from_fips("89d810e8855ace682d1843d8cb128fe4"));  // round[2].start
  for (unsigned r = 2; r < 10; ++r) state = aesenc(state, keys.round[r]);
  state = aesenclast(state, keys.round[10]);
  const V cipher = from_fips("69c4e0d86a7b0430d8cdb78070b4c55a");
  CHECK(state == cipher);

  // Equivalent inverse cipher: middle round keys pass through AESIMC.
  state = pxor(cipher, keys.round[10]);
  CHECK(state == from_fips("7ad5fda789ef4e272bca100b3d9ff59f"));  // round[1].istart
  for (unsigned r = 9; r >= 1; --r) state = aesdec(state, aesimc(keys.round[r]));
  state = aesdeclast(state, keys.round[0]);
  CHECK(state == plain);
}

TEST_CASE("AES-128 matches the FIPS-197 appendix B example") {
  const KeySchedule keys = schedule(from_fips("2b7e151628aed2a6abf7158809cf4f3c"));
  CHECK(keys.round[1] == from_fips("a0fafe1788542cb123a339392a6c7605"));
  V state = pxor(from_fips("3243f6a8885a308d313198a2e0370734"), keys.round[0]);
  CHECK(state == from_fips("193de3bea0f4e22b9ac68d2ae9f84808"));
  state = aesenc(state, keys.round[1]);
  CHECK(state == from_fips("a49c7ff2689f352b6b5bea43026a5049"));
  for (unsigned r = 2; r < 10; ++r) state = aesenc(state, keys.round[r]);
  CHECK(aesenclast(state, keys.round[10]) == from_fips("3925841d02dc09fbdc118597196a0b32"));
}

TEST_CASE("PCLMULQDQ known products and operand selection") {
  CHECK(clmul64(3, 3) == V{5, 0});
  CHECK(clmul64(~u64{0}, ~u64{0}) == V{0x5555555555555555, 0x5555555555555555});
  CHECK(clmul64(u64{1} << 63, u64{1} << 63) == V{0, u64{1} << 62});
  // (x^2 + x + 1)(x^2 + 1) = x^4 + x^3 + x + 1 over GF(2).
  CHECK(clmul64(0b111, 0b101) == V{0b11011, 0});
  const V a{1, 2};
  const V b{4, 8};
  CHECK(pclmulqdq(a, b, 0x00) == V{4, 0});
  CHECK(pclmulqdq(a, b, 0x01) == V{8, 0});
  CHECK(pclmulqdq(a, b, 0x10) == V{8, 0});
  CHECK(pclmulqdq(a, b, 0x11) == V{16, 0});
}

TEST_CASE("Vec128 lanes are little-endian across the two halves") {
  V v{0x0706050403020100, 0x0F0E0D0C0B0A0908};
  CHECK(v.byte(0) == 0x00);
  CHECK(v.byte(9) == 0x09);
  CHECK(v.word(4) == 0x0908);
  CHECK(v.dword(3) == 0x0F0E0D0C);
  CHECK(v.qword(1) == 0x0F0E0D0C0B0A0908);
  CHECK(v.get<i8>(15) == 0x0F);
  v.set_byte(15, 0x80);
  CHECK(v.get<i8>(15) == -128);
  CHECK(v.get<i16>(7) == static_cast<i16>(0x800E));
  v.set_word(3, 0xBEEF);
  CHECK(v.lo == 0xBEEF050403020100);
  v.set_dword(2, 0xCAFEF00D);
  CHECK(v.hi == 0x800E0D0CCAFEF00D);
  v.set<i64>(0, -1);
  CHECK(v.lo == ~u64{0});
  CHECK(vec_from_dwords(1, 2, 3, 4) == V{0x0000000200000001, 0x0000000400000003});
}

TEST_CASE("popcnt counts bits and sets only ZF") {
  CHECK(popcnt(0) == 0);
  CHECK(popcnt(~u64{0}) == 64);
  CHECK(popcnt(0x8000000000000001) == 2);
  CHECK(popcnt_flags(0) == kFlagZf);
  CHECK(popcnt_flags(0x100) == 0);
}

}  // namespace
}  // namespace glasspc::simd::test
