; Software SHA-256 (FIPS 180-4) of a 1 MiB buffer, 40 times, each round's digest written over the
; first 32 bytes of the buffer: rotates, xors, adds and loads of a fully unrolled compression.
%define BENCH_EXPECT 0xbecf137f
%include "bench.inc"
BUF_BASE equ 0x800000
BUF_SIZE equ 1024 * 1024
ROUNDS   equ 40
bench_body:
    mov edi, BUF_BASE           ; fill the buffer with a pattern
    mov ecx, BUF_SIZE / 4
    mov eax, 0x12345678
.fill:
    stosd
    imul eax, eax, 1103515245
    add eax, 12345
    loop .fill
    ; The padding block of a message of BUF_SIZE bytes (FIPS 180-4 5.1.1): 0x80, zeros, and the
    ; length in bits as a big-endian 64-bit number.
    mov edi, pad_block
    xor eax, eax
    mov ecx, 16
    rep stosd
    mov byte [pad_block], 0x80
    mov eax, BUF_SIZE * 8
    bswap eax
    mov [pad_block + 60], eax
    mov dword [round_count], ROUNDS
.round:
    mov esi, sha_init           ; H(0) (FIPS 180-4 5.3.3)
    mov edi, state
    mov ecx, 8
    rep movsd
    mov esi, BUF_BASE
.block:
    call sha256_block
    add esi, 64
    cmp esi, BUF_BASE + BUF_SIZE
    jb .block
    mov esi, pad_block
    call sha256_block
    xor eax, eax                ; the digest over the buffer's first 32 bytes, and the checksum
    xor ecx, ecx
.store:
    mov edx, [state + ecx * 4]
    xor eax, edx
    bswap edx
    mov [BUF_BASE + ecx * 4], edx
    inc ecx
    cmp ecx, 8
    jb .store
    dec dword [round_count]
    jnz .round
    ret

; The working variables a..h live in `vars`; instead of moving them every round, round i finds
; variable n (a = 0 .. h = 7) at slot (n - i) mod 8.
%define VAR(n, i) [vars + 4 * (((n) - (i)) & 7)]

; esi = 64-byte block; updates `state` (FIPS 180-4 6.2.2).
sha256_block:
    push esi
    xor ecx, ecx                ; W[0..15]: the block's big-endian words
.load:
    mov eax, [esi + ecx * 4]
    bswap eax
    mov [w + ecx * 4], eax
    inc ecx
    cmp ecx, 16
    jb .load
.schedule:                      ; W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16]
    mov eax, [w + ecx * 4 - 8]
    mov ebx, eax
    ror ebx, 17
    mov edx, eax
    ror edx, 19
    xor ebx, edx
    shr eax, 10
    xor ebx, eax
    mov eax, [w + ecx * 4 - 60]
    mov edx, eax
    ror edx, 7
    mov esi, eax
    ror esi, 18
    xor edx, esi
    shr eax, 3
    xor edx, eax
    add ebx, edx
    add ebx, [w + ecx * 4 - 28]
    add ebx, [w + ecx * 4 - 64]
    mov [w + ecx * 4], ebx
    inc ecx
    cmp ecx, 64
    jb .schedule
    mov esi, state
    mov edi, vars
    mov ecx, 8
    rep movsd
%assign i 0
%rep 64
    mov eax, VAR(4, i)          ; T1 = h + S1(e) + Ch(e, f, g) + K[i] + W[i]
    mov ebx, eax
    ror ebx, 6
    mov ecx, eax
    ror ecx, 11
    xor ebx, ecx
    ror ecx, 14
    xor ebx, ecx
    mov ecx, VAR(5, i)
    xor ecx, VAR(6, i)
    and ecx, eax
    xor ecx, VAR(6, i)
    add ebx, ecx
    add ebx, VAR(7, i)
    add ebx, [sha_k + 4 * i]
    add ebx, [w + 4 * i]
    add VAR(3, i), ebx          ; d += T1
    mov eax, VAR(0, i)          ; T2 = S0(a) + Maj(a, b, c)
    mov ecx, eax
    ror ecx, 2
    mov edx, eax
    ror edx, 13
    xor ecx, edx
    ror edx, 9
    xor ecx, edx
    mov edx, VAR(1, i)
    mov ebp, edx
    or edx, eax
    and edx, VAR(2, i)
    and ebp, eax
    or edx, ebp
    add ecx, edx
    add ecx, ebx
    mov VAR(7, i), ecx          ; the slot of h becomes a of round i + 1
%assign i i + 1
%endrep
    ; After 64 rounds (a multiple of 8) every variable is back in its own slot.
    xor ecx, ecx
.add:
    mov eax, [vars + ecx * 4]
    add [state + ecx * 4], eax
    inc ecx
    cmp ecx, 8
    jb .add
    pop esi
    ret

align 4
sha_init:
    dd 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
sha_k:
    dd 0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5
    dd 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174
    dd 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da
    dd 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967
    dd 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85
    dd 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070
    dd 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3
    dd 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
round_count equ BENCH_DATA
state       equ BENCH_DATA + 4
vars        equ BENCH_DATA + 36
w           equ BENCH_DATA + 68
pad_block   equ BENCH_DATA + 324
%include "lib/end.inc"
