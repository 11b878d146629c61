#include "cpu/simd/aes.h"

#include <array>

namespace glasspc::simd {
namespace {

using Bytes = std::array<u8, 16>;
using Table = std::array<u8, 256>;

// Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1 (FIPS-197 4.2.1).
constexpr u8 xtime(u8 v) {
  return static_cast<u8>((v << 1) ^ ((v & 0x80) ? 0x1B : 0));
}

// FIPS-197 5.1.1: the S-box is the multiplicative inverse followed by the affine transform with
// constant 0x63. Built at compile time from the definition rather than typed in; inverses come
// from logarithms to the generator {03}, x^-1 = 3^(255 - log3(x)).
constexpr Table make_sbox() {
  Table exp{};
  Table log{};
  u8 power = 1;
  for (unsigned i = 0; i < 255; ++i) {
    exp[i] = power;
    log[power] = static_cast<u8>(i);
    power = static_cast<u8>(power ^ xtime(power));  // power * {03}
  }
  Table s{};
  for (unsigned x = 0; x < 256; ++x) {
    const u8 inverse = x == 0 ? 0 : exp[(255 - log[x]) % 255];
    u8 out = 0x63;
    for (unsigned k = 0; k < 5; ++k) {
      out ^= static_cast<u8>((inverse << k) | (inverse >> (8 - k)));
    }
    s[x] = out;
  }
  return s;
}

constexpr Table make_inverse(const Table& s) {
  Table inv{};
  for (unsigned x = 0; x < 256; ++x) inv[s[x]] = static_cast<u8>(x);
  return inv;
}

constexpr Table kSbox = make_sbox();
constexpr Table kInvSbox = make_inverse(kSbox);

Bytes to_bytes(Vec128 v) {
  Bytes b{};
  for (unsigned i = 0; i < 16; ++i) b[i] = v.byte(i);
  return b;
}

Vec128 from_bytes(const Bytes& b) {
  Vec128 v;
  for (unsigned i = 0; i < 8; ++i) {
    v.lo |= u64{b[i]} << (8 * i);
    v.hi |= u64{b[i + 8]} << (8 * i);
  }
  return v;
}

// FIPS-197 5.1.2 / 5.3.1: row r of the state rotates left (right for the inverse) by r columns.
// Combined with the byte substitution since both are byte permutations/maps.
Bytes shift_rows_sub_bytes(const Bytes& in) {
  Bytes out{};
  for (unsigned c = 0; c < 4; ++c) {
    for (unsigned r = 0; r < 4; ++r) out[4 * c + r] = kSbox[in[4 * ((c + r) % 4) + r]];
  }
  return out;
}

Bytes inv_shift_rows_sub_bytes(const Bytes& in) {
  Bytes out{};
  for (unsigned c = 0; c < 4; ++c) {
    for (unsigned r = 0; r < 4; ++r) out[4 * ((c + r) % 4) + r] = kInvSbox[in[4 * c + r]];
  }
  return out;
}

// FIPS-197 5.1.3: each column times {03}x^3 + {01}x^2 + {01}x + {02}.
void mix_columns(Bytes& s) {
  for (unsigned c = 0; c < 4; ++c) {
    u8* col = &s[4 * c];
    const u8 a0 = col[0], a1 = col[1], a2 = col[2], a3 = col[3];
    const u8 all = a0 ^ a1 ^ a2 ^ a3;
    col[0] = a0 ^ all ^ xtime(a0 ^ a1);
    col[1] = a1 ^ all ^ xtime(a1 ^ a2);
    col[2] = a2 ^ all ^ xtime(a2 ^ a3);
    col[3] = a3 ^ all ^ xtime(a3 ^ a0);
  }
}

// FIPS-197 5.3.3: each column times {0b}x^3 + {0d}x^2 + {09}x + {0e}. That polynomial is the
// MixColumns polynomial times {04}x^2 + {05}, so the column is first multiplied by the latter
// (two xtime steps on a0^a2 and a1^a3) and then passed through MixColumns.
void inv_mix_columns(Bytes& s) {
  for (unsigned c = 0; c < 4; ++c) {
    u8* col = &s[4 * c];
    const u8 u = xtime(xtime(col[0] ^ col[2]));
    const u8 v = xtime(xtime(col[1] ^ col[3]));
    col[0] ^= u;
    col[1] ^= v;
    col[2] ^= u;
    col[3] ^= v;
  }
  mix_columns(s);
}

Vec128 xor_key(const Bytes& s, Vec128 key) {
  const Vec128 v = from_bytes(s);
  return {v.lo ^ key.lo, v.hi ^ key.hi};
}

u32 sub_word(u32 w) {
  return u32{kSbox[w & 0xFF]} | (u32{kSbox[(w >> 8) & 0xFF]} << 8) |
         (u32{kSbox[(w >> 16) & 0xFF]} << 16) | (u32{kSbox[w >> 24]} << 24);
}

// FIPS-197 5.2 RotWord: [a0,a1,a2,a3] -> [a1,a2,a3,a0], i.e. a right rotation of the little-endian
// dword by 8 bits.
u32 rot_word(u32 w) {
  return (w >> 8) | (w << 24);
}

}  // namespace

Vec128 aesenc(Vec128 state, Vec128 round_key) {
  Bytes s = shift_rows_sub_bytes(to_bytes(state));
  mix_columns(s);
  return xor_key(s, round_key);
}

Vec128 aesenclast(Vec128 state, Vec128 round_key) {
  return xor_key(shift_rows_sub_bytes(to_bytes(state)), round_key);
}

Vec128 aesdec(Vec128 state, Vec128 round_key) {
  Bytes s = inv_shift_rows_sub_bytes(to_bytes(state));
  inv_mix_columns(s);
  return xor_key(s, round_key);
}

Vec128 aesdeclast(Vec128 state, Vec128 round_key) {
  return xor_key(inv_shift_rows_sub_bytes(to_bytes(state)), round_key);
}

Vec128 aesimc(Vec128 src) {
  Bytes s = to_bytes(src);
  inv_mix_columns(s);
  return from_bytes(s);
}

Vec128 aeskeygenassist(Vec128 src, u8 rcon) {
  const u32 x1 = sub_word(src.dword(1));
  const u32 x3 = sub_word(src.dword(3));
  return vec_from_dwords(x1, rot_word(x1) ^ rcon, x3, rot_word(x3) ^ rcon);
}

}  // namespace glasspc::simd
