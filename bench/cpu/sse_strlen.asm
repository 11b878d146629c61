; SSE2 strlen in the style of glibc's: PCMPEQB against zero on 16-byte aligned loads, PMOVMSKB,
; the first chunk's mask shifted past the misaligned start, BSF on the first hit. Walks 16384
; strings of 0..255 bytes (lengths from an LCG) back to back, 768 times; the checksum folds
; every length.
%define BENCH_EXPECT 0x5cf1c400
%include "bench.inc"
BUF_BASE    equ 0x800000
STRINGS     equ 16384
ROUNDS      equ 768
bench_body:
    mov edi, BUF_BASE           ; build the strings: length = LCG >> 24, bytes 'A'..'P'
    mov ecx, STRINGS
    mov ebx, 0x12345678
.make:
    imul ebx, ebx, 1103515245
    add ebx, 12345
    mov edx, ebx
    shr edx, 24
    xor eax, eax
.char:
    cmp eax, edx
    jae .terminate
    mov byte [edi], al
    and byte [edi], 15
    add byte [edi], 'A'
    inc edi
    inc eax
    jmp .char
.terminate:
    mov byte [edi], 0
    inc edi
    dec ecx
    jnz .make
    pxor xmm7, xmm7             ; xmm7 = 0 for the compares
    xor ebx, ebx                ; ebx = checksum
    mov ebp, ROUNDS
.round:
    mov esi, BUF_BASE
    mov edi, STRINGS
.string:
    call sse2_strlen
    imul ebx, ebx, 31
    add ebx, eax
    lea esi, [esi + eax + 1]
    dec edi
    jnz .string
    dec ebp
    jnz .round
    mov eax, ebx
    ret

; esi = string; returns eax = its length. Reads only aligned 16-byte chunks, so never crosses
; into a page the string does not touch.
sse2_strlen:
    mov edx, esi
    and edx, -16
    mov ecx, esi
    and ecx, 15
    movdqa xmm0, [edx]
    pcmpeqb xmm0, xmm7
    pmovmskb eax, xmm0
    shr eax, cl                 ; drop the bytes before the string's start
    test eax, eax
    jz .loop
    bsf eax, eax
    ret
.loop:
    add edx, 16
    movdqa xmm0, [edx]
    pcmpeqb xmm0, xmm7
    pmovmskb eax, xmm0
    test eax, eax
    jz .loop
    bsf eax, eax
    add eax, edx
    sub eax, esi
    ret
%include "lib/end.inc"
