; A branchy bytecode interpreter: a tiny stack machine whose program counts down from 20,000,000;
; indirect jumps through a handler table, loads, stores, compares.
%include "bench.inc"
OP_PUSH  equ 0
OP_ADD   equ 1
OP_DUP   equ 2
OP_JNZ   equ 3
OP_DEC   equ 4
OP_DROP  equ 5
OP_HALT  equ 6
STACK    equ 0x900000
bench_body:
    mov esi, program
    mov ebp, STACK
.dispatch:
    movzx eax, byte [esi]
    inc esi
    jmp [handlers + eax * 4]
op_push:
    mov eax, [esi]
    add esi, 4
    add ebp, 4
    mov [ebp], eax
    jmp bench_body.dispatch
op_add:
    mov eax, [ebp]
    sub ebp, 4
    add [ebp], eax
    jmp bench_body.dispatch
op_dup:
    mov eax, [ebp]
    add ebp, 4
    mov [ebp], eax
    jmp bench_body.dispatch
op_jnz:
    movsx eax, byte [esi]
    inc esi
    mov ecx, [ebp]
    sub ebp, 4
    test ecx, ecx
    jz bench_body.dispatch
    add esi, eax
    jmp bench_body.dispatch
op_dec:
    dec dword [ebp]
    jmp bench_body.dispatch
op_drop:
    sub ebp, 4
    jmp bench_body.dispatch
op_halt:
    ret
align 4
handlers: dd op_push, op_add, op_dup, op_jnz, op_dec, op_drop, op_halt
; for (counter = 20000000; --counter != 0;) { push 3; drop; }  -- seven dispatches per iteration
program:
    db OP_PUSH
    dd 0                        ; a bottom slot the loop never touches
    db OP_PUSH
    dd 20000000                 ; counter
.loop:
    db OP_DEC                   ; --counter
    db OP_DUP
    db OP_JNZ, .body - ($ + 2)  ; pops the copy; taken while the counter is non-zero
    db OP_DROP, OP_DROP, OP_HALT
.body:
    db OP_PUSH
    dd 3
    db OP_DROP
    db OP_PUSH
    dd 1
    db OP_JNZ, .loop - ($ + 2)  ; always taken
    db OP_HALT
%include "lib/end.inc"
