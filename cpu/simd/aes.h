// AES-NI round instructions: AESENC, AESENCLAST, AESDEC, AESDECLAST, AESIMC, AESKEYGENASSIST.
//
// The state is the 128-bit register read as the FIPS-197 byte sequence: register byte i is
// state byte i, i.e. row i % 4 of column i / 4 (SDM Vol. 2A, AESENC "Operation" and FIPS-197
// section 3.4). The round functions are those of FIPS-197 section 5.
#pragma once

#include "cpu/simd/vec128.h"

namespace glasspc::simd {

// SDM Vol. 2A AESENC: ShiftRows, SubBytes, MixColumns, then XOR with the round key.
Vec128 aesenc(Vec128 state, Vec128 round_key);
// SDM Vol. 2A AESENCLAST: as AESENC without MixColumns.
Vec128 aesenclast(Vec128 state, Vec128 round_key);
// SDM Vol. 2A AESDEC: InvShiftRows, InvSubBytes, InvMixColumns, then XOR with the round key
// (the "equivalent inverse cipher" order, so decryption keys pass through AESIMC).
Vec128 aesdec(Vec128 state, Vec128 round_key);
// SDM Vol. 2A AESDECLAST: as AESDEC without InvMixColumns.
Vec128 aesdeclast(Vec128 state, Vec128 round_key);
// SDM Vol. 2A AESIMC: InvMixColumns of the source.
Vec128 aesimc(Vec128 src);
// SDM Vol. 2A AESKEYGENASSIST: with X1/X3 the source dwords 1 and 3, the result dwords are
// SubWord(X1), RotWord(SubWord(X1)) ^ RCON, SubWord(X3), RotWord(SubWord(X3)) ^ RCON, where RCON
// is imm8 zero-extended.
Vec128 aeskeygenassist(Vec128 src, u8 rcon);

}  // namespace glasspc::simd
