; Sieve of Eratosthenes over 4 M numbers, 30 times: byte stores, nested loops, compares.
%include "bench.inc"
SIEVE_SIZE equ 4 * 1024 * 1024
SIEVE_BASE equ 0x800000
bench_body:
    mov ebp, 30
.round:
    mov edi, SIEVE_BASE         ; mark everything prime
    mov ecx, SIEVE_SIZE / 4
    mov eax, 0x01010101
    rep stosd
    mov ebx, 2
.outer:
    mov eax, ebx
    mul eax
    cmp eax, SIEVE_SIZE
    jae .done
    cmp byte [SIEVE_BASE + ebx], 0
    je .next
.inner:
    mov byte [SIEVE_BASE + eax], 0
    add eax, ebx
    cmp eax, SIEVE_SIZE
    jb .inner
.next:
    inc ebx
    jmp .outer
.done:
    dec ebp
    jnz .round
    ret
%include "lib/end.inc"
