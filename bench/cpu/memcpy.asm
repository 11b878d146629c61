; REP MOVSD / REP STOSD / REP MOVSB over 16 MiB buffers, 8 times: string instruction throughput.
%include "bench.inc"
SRC equ 0x1000000
DST equ 0x2000000
SIZE equ 16 * 1024 * 1024
bench_body:
    mov ebp, 8
.round:
    mov edi, SRC
    mov ecx, SIZE / 4
    mov eax, ebp
    rep stosd
    mov esi, SRC
    mov edi, DST
    mov ecx, SIZE / 4
    rep movsd
    mov esi, SRC + 1
    mov edi, DST + 3
    mov ecx, SIZE - 4
    rep movsb
    dec ebp
    jnz .round
    ret
%include "lib/end.inc"
