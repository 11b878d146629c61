; Bitwise CRC-32 (reflected, poly 0xEDB88320) over 1 MiB, 16 times: shifts, xors, branches.
%include "bench.inc"
BUF_BASE equ 0x800000
BUF_SIZE equ 1024 * 1024
bench_body:
    mov edi, BUF_BASE           ; fill the buffer with a pattern
    mov ecx, BUF_SIZE / 4
    mov eax, 0x12345678
.fill:
    stosd
    imul eax, eax, 1103515245
    add eax, 12345
    loop .fill
    mov ebp, 16
.round:
    mov esi, BUF_BASE
    mov ecx, BUF_SIZE
    mov eax, 0xFFFFFFFF
.byte:
    xor al, [esi]
    inc esi
    mov edx, 8
.bit:
    shr eax, 1
    jnc .nopoly
    xor eax, 0xEDB88320
.nopoly:
    dec edx
    jnz .bit
    dec ecx
    jnz .byte
    dec ebp
    jnz .round
    ret
%include "lib/end.inc"
