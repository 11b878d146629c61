; SSE2 memcpy: 64-byte MOVDQA/MOVDQU copy loops (no REP MOVS) of 64 B, 512 B, 4 KiB, 64 KiB and
; 1 MiB blocks, aligned and with a misaligned source, COPY_TOTAL bytes per size and alignment.
; The checksum folds every destination block.
%define BENCH_EXPECT 0xc12bfe4d
%include "bench.inc"
SRC        equ 0x1000000
DST        equ 0x2000000
SRC_SIZE   equ 1024 * 1024 + 64
MISALIGN   equ 5
COPY_TOTAL equ 160 * 1024 * 1024
bench_body:
    mov edi, SRC                ; fill the source with a pattern
    mov ecx, SRC_SIZE / 4
    mov eax, 0x12345678
.fill:
    stosd
    imul eax, eax, 1103515245
    add eax, 12345
    loop .fill
    xor ebx, ebx                ; ebx = size class
.size:
    mov eax, [sizes + ebx * 4]
    mov [cur_size], eax
    mov eax, COPY_TOTAL
    xor edx, edx
    div dword [cur_size]
    mov [cur_reps], eax
    mov ebp, eax                ; aligned source and destination: MOVDQA both ways
.aligned:
    mov esi, SRC
    mov edi, ebx
    shl edi, 22                 ; each size class has 4 MiB of destination
    add edi, DST
    mov ecx, [cur_size]
    shr ecx, 6
.a64:
    movdqa xmm0, [esi]
    movdqa xmm1, [esi + 16]
    movdqa xmm2, [esi + 32]
    movdqa xmm3, [esi + 48]
    movdqa [edi], xmm0
    movdqa [edi + 16], xmm1
    movdqa [edi + 32], xmm2
    movdqa [edi + 48], xmm3
    add esi, 64
    add edi, 64
    dec ecx
    jnz .a64
    dec ebp
    jnz .aligned
    mov ebp, [cur_reps]         ; misaligned source: MOVDQU loads, MOVDQA stores
.unaligned:
    mov esi, SRC + MISALIGN
    mov edi, ebx
    shl edi, 22
    add edi, DST + 2 * 1024 * 1024
    mov ecx, [cur_size]
    shr ecx, 6
.u64:
    movdqu xmm0, [esi]
    movdqu xmm1, [esi + 16]
    movdqu xmm2, [esi + 32]
    movdqu xmm3, [esi + 48]
    movdqa [edi], xmm0
    movdqa [edi + 16], xmm1
    movdqa [edi + 32], xmm2
    movdqa [edi + 48], xmm3
    add esi, 64
    add edi, 64
    dec ecx
    jnz .u64
    dec ebp
    jnz .unaligned
    inc ebx
    cmp ebx, SIZE_COUNT
    jb .size
    ; Checksum: c = c * 31 + dword over each class's aligned, then misaligned destination.
    xor eax, eax
    xor ebx, ebx
.sum_class:
    mov esi, ebx
    shl esi, 22
    add esi, DST
    call fold_block
    add esi, 2 * 1024 * 1024
    call fold_block
    inc ebx
    cmp ebx, SIZE_COUNT
    jb .sum_class
    ret

; eax = running checksum, esi = block of [sizes + ebx * 4] bytes.
fold_block:
    push esi
    mov ecx, [sizes + ebx * 4]
    shr ecx, 2
.word:
    imul eax, eax, 31
    add eax, [esi]
    add esi, 4
    dec ecx
    jnz .word
    pop esi
    ret

align 4
sizes: dd 64, 512, 4096, 65536, 1024 * 1024
SIZE_COUNT equ ($ - sizes) / 4
cur_size equ BENCH_DATA
cur_reps equ BENCH_DATA + 4
%include "lib/end.inc"
