; Double-precision SSE2 loop: for x = i / 65536, i = 0 .. POINTS - 1, a degree-8 polynomial by
; Horner's rule (MULPD/ADDPD, two points per step), divided by sqrt(1 + x) (SQRTPD/DIVPD), and a
; scalar 1 / (1 + x * x) (MULSD/ADDSD/DIVSD); the sums' bits are the checksum.
%define BENCH_EXPECT 0x4ed78b45
%include "bench.inc"
POINTS equ 16 * 1024 * 1024
bench_body:
    movdqa xmm6, [first_pair]   ; xmm6 = int32 [i, i + 1]
    xorpd xmm4, xmm4            ; xmm4 = packed sums (even i, odd i)
    xorpd xmm5, xmm5            ; xmm5 = scalar sum
    movapd xmm7, [step]         ; xmm7 = [h, h]
    mov ecx, POINTS / 2
.pair:
    cvtdq2pd xmm0, xmm6         ; xmm0 = x = [i, i + 1] * h
    mulpd xmm0, xmm7
    movapd xmm1, [coef + 0]     ; Horner: p = ((c8 x + c7) x + ...) x + c0
%assign k 1
%rep 8
    mulpd xmm1, xmm0
    addpd xmm1, [coef + 16 * k]
%assign k k + 1
%endrep
    movapd xmm2, xmm0           ; p / sqrt(1 + x)
    addpd xmm2, [ones]
    sqrtpd xmm2, xmm2
    divpd xmm1, xmm2
    addpd xmm4, xmm1
    movsd xmm3, xmm0            ; scalar: 1 / (1 + x * x) for the even point
    mulsd xmm3, xmm0
    addsd xmm3, [ones]
    movsd xmm2, [ones]
    divsd xmm2, xmm3
    addsd xmm5, xmm2
    paddd xmm6, [two_ints]
    dec ecx
    jnz .pair
    movapd xmm0, xmm4           ; (even sum + odd sum) + scalar sum
    unpckhpd xmm0, xmm0
    addsd xmm4, xmm0
    addsd xmm4, xmm5
    movsd [result], xmm4
    mov eax, [result]
    xor eax, [result + 4]
    ret

align 16
first_pair: dd 0, 1, 0, 0
two_ints:   dd 2, 2, 0, 0
step:       dq 0x3EF0000000000000, 0x3EF0000000000000    ; 2^-16
ones:       dq 1.0, 1.0
; c8 .. c0, each as a pair; all exact binary fractions.
coef:       dq -2.25, -2.25, 1.5, 1.5, -0.375, -0.375, 0.75, 0.75, 0.0625, 0.0625
            dq -0.125, -0.125, 0.25, 0.25, -0.5, -0.5, 1.0, 1.0
result      equ BENCH_DATA
%include "lib/end.inc"
