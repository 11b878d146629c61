// 128-bit working precision for the x87 transcendentals. Values are Unpacked (sign, exponent,
// 128-bit normalized significand); each operation truncates to 128 bits, so a short series
// stays within ~2^-118 relative error, far below the final 64-bit rounding (SDM Vol. 1 8.3.10
// asks for results within 1 ulp).
#pragma once

#include "cpu/float/unpacked.h"

namespace glasspc::fp::wide {

u128 mul_high(u128 a, u128 b);  // the top 128 bits of the 256-bit product

Unpacked mul(const Unpacked& a, const Unpacked& b);
Unpacked div(const Unpacked& a, const Unpacked& b);  // b nonzero
Unpacked div_small(const Unpacked& a, u64 n);        // a / n for a small integer n > 0
Unpacked add(const Unpacked& a, const Unpacked& b);
Unpacked sub(const Unpacked& a, const Unpacked& b);
Unpacked from_int(i64 v);
Unpacked negate(Unpacked a);
Unpacked scale(Unpacked a, i32 k);  // a * 2^k
bool is_zero(const Unpacked& a);
// Exponent of the leading bit, or a very small number for zero (for series termination).
i32 magnitude(const Unpacked& a);

// Constants with 128 significant bits.
Unpacked pi();
Unpacked ln2();
Unpacked log2e();

}  // namespace glasspc::fp::wide
