// SSE4.2 CRC32: the CRC-32C (Castagnoli, polynomial 0x1EDC6F41) accumulation step.
//
// SDM Vol. 2A CRC32 defines the instruction with bit-reflected data and accumulator and no initial
// or final inversion: the accumulator is the destination's low 32 bits, the data is the 8/16/32/
// 64-bit source taken least significant byte first, and the result is the new accumulator
// (zero-extended into a 64-bit destination). A conventional CRC-32C checksum is therefore
// ~crc32c_*(~0, data...). The reflected polynomial makes each byte step a table lookup; the wider
// forms use eight tables ("slicing by 8") so that 64 bits cost eight independent lookups.
#pragma once

#include "bus/types.h"

namespace glasspc::simd {

u32 crc32c_u8(u32 crc, u8 data);
u32 crc32c_u16(u32 crc, u16 data);
u32 crc32c_u32(u32 crc, u32 data);
u32 crc32c_u64(u32 crc, u64 data);

}  // namespace glasspc::simd
