// Umbrella header for the SIMD integer library: everything the MMX/SSE instruction handlers call.
#pragma once

#include "cpu/simd/aes.h"
#include "cpu/simd/carryless_multiply.h"
#include "cpu/simd/compare_logic.h"
#include "cpu/simd/crc32c.h"
#include "cpu/simd/insert_extract.h"
#include "cpu/simd/integer_add_sub.h"
#include "cpu/simd/integer_multiply.h"
#include "cpu/simd/pack_unpack.h"
#include "cpu/simd/shifts.h"
#include "cpu/simd/shuffles.h"
#include "cpu/simd/status_flags.h"
#include "cpu/simd/string_compare.h"
#include "cpu/simd/vec128.h"
