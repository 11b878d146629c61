; Interrupt shadows and single-step. An IRQ 0 already pending at the 8259 when STI executes is
; taken only after the instruction following STI; POPF setting IF has no shadow. With EFLAGS.TF a
; #DB trap follows every instruction, except the one right after MOV SS or POP SS, which the
; shadow covers. Intel SDM vol. 3, 6.8.3 "Masking Exceptions and Interrupts When Switching
; Stacks", 17.3.1.4 "Single-Step Exception Condition"; vol. 2B "STI" (the one-instruction delay).
%include "lib/multiboot.inc"

PIT_CH0     equ 0x40
PIT_CONTROL equ 0x43

test_main:
    call irq_setup
    call pic_init
    mov dword [irq_hooks + 0 * 4], irq0_hook
    mov eax, db_handler         ; #DB (vector 1): a 32-bit interrupt gate to db_handler
    mov [irq_idt + 1 * 8], ax
    shr eax, 16
    mov [irq_idt + 1 * 8 + 6], ax
    mov al, 0xFE
    out PIC1_DATA, al
    mov al, 0x34                ; counter 0, mode 2, ~1 kHz
    out PIT_CONTROL, al
    mov al, 1193 & 0xFF
    out PIT_CH0, al
    mov al, 1193 >> 8
    out PIT_CH0, al

    ; STI with IRQ 0 pending: the next instruction runs first, then the interrupt.
    call wait_pending
    CHECK_EQ "IRQ 0 pending before STI", eax, 1
    mov dword [marker], 0
    mov dword [seen_marker], -1
    mov ebx, [irq_counts]
    sti
    mov dword [marker], 1       ; in the STI shadow: runs before the interrupt
    mov dword [marker], 2
    cli
    sub ebx, [irq_counts]
    neg ebx
    CHECK_EQ "STI: one interrupt taken", ebx, 1
    CHECK_EQ "STI: the instruction after STI ran first", [seen_marker], 1

    ; POPF setting IF: no shadow, the interrupt comes before the next instruction.
    call wait_pending
    mov dword [marker], 0
    mov dword [seen_marker], -1
    pushfd
    or dword [esp], 0x200
    popfd
    mov dword [marker], 1
    cli
    CHECK_EQ "POPF: interrupt right after it", [seen_marker], 0

    ; STI immediately followed by CLI: the shadow covers the CLI, so nothing is delivered.
    call wait_pending
    mov ebx, [irq_counts]
    sti
    cli
    mov ecx, 100
.spin:
    loop .spin
    sub ebx, [irq_counts]
    CHECK_EQ "STI; CLI: the pending interrupt is not taken", ebx, 0

    mov al, 0xFF
    out PIC1_DATA, al

    ; Single-step over a MOV SS: no trap between MOV SS and the next instruction.
    mov dword [db_count], 0
    mov dword [db_stop], .s5
    pushfd
    or dword [esp], 0x100
    popfd                       ; TF is set from the next instruction on
.s1:
    mov eax, 1
.s2:
    mov ax, ss
.s3:
    mov ss, ax
.s4:
    mov ebx, 2
.s5:
    nop
    CHECK_EQ "TF: three traps", [db_count], 3
    CHECK_EQ "TF: trap after the first instruction", [db_eips], .s2
    CHECK_EQ "TF: trap after mov ax, ss", [db_eips + 4], .s3
    CHECK_EQ "TF: none after mov ss, next after the shadowed one", [db_eips + 8], .s5
    mov eax, [db_dr6]
    and eax, 0x4000
    CHECK_EQ "TF: DR6.BS set", eax, 0x4000

    ; The same with POP SS.
    mov dword [db_count], 0
    mov dword [db_stop], .p4
    pushfd
    or dword [esp], 0x100
    popfd
.p1:
    push ss
.p2:
    pop ss
.p3:
    mov ebx, 3
.p4:
    nop
    CHECK_EQ "TF over pop ss: two traps", [db_count], 2
    CHECK_EQ "TF over pop ss: after push ss", [db_eips], .p2
    CHECK_EQ "TF over pop ss: after the shadowed instruction", [db_eips + 4], .p4
    ; TF over a string instruction: one trap per iteration of REP.
    mov dword [db_count], 0
    mov dword [db_stop], .r2
    mov edi, scratch
    mov ecx, 3
    xor eax, eax
    pushfd
    or dword [esp], 0x100
    popfd
.r1:
    rep stosb
.r2:
    nop
    CHECK_EQ "TF over rep stosb x3: three traps", [db_count], 3
    CHECK_EQ "TF over rep stosb: first trap stays on it", [db_eips], .r1
    CHECK_EQ "TF over rep stosb: last trap after it", [db_eips + 8], .r2
    ; POPFD that clears TF still traps once after itself (TF was set when it began).
    mov dword [db_count], 0
    mov dword [db_stop], 0
    pushfd
    or dword [esp], 0x100
    popfd
.c1:
    pushfd
.c2:
    and dword [esp], ~0x100
.c3:
    popfd
.c4:
    nop
    CHECK_EQ "TF cleared by popfd: three traps", [db_count], 3
    CHECK_EQ "TF cleared by popfd: the last trap after it", [db_eips + 8], .c4
    CHECK_EQ "no unexpected vector", [irq_unexpected_count], 0
    ret

; Waits (IF clear, bounded) until IRQ 0 is requested in the IRR. eax = 1 if it is.
wait_pending:
    mov ecx, 10000000
.wait:
    call pic_read_irr
    test al, 1
    jnz .pending
    loop .wait
    xor eax, eax
    ret
.pending:
    mov eax, 1
    ret

irq0_hook:
    mov eax, [marker]
    mov [seen_marker], eax
    ret

; #DB: records the return EIP and DR6; clears TF when the return EIP is db_stop (or after 8 traps).
db_handler:
    push eax
    push ebx
    mov ebx, [db_count]
    mov eax, [esp + 8]
    cmp ebx, 8
    jae .no_record
    mov [db_eips + ebx * 4], eax
.no_record:
    inc dword [db_count]
    cmp eax, [db_stop]
    je .stop
    cmp ebx, 8
    jb .out
.stop:
    and dword [esp + 16], ~0x100
.out:
    mov eax, dr6
    mov [db_dr6], eax
    xor eax, eax
    mov dr6, eax
    pop ebx
    pop eax
    iretd

align 4
marker:         dd 0
seen_marker:    dd 0
db_count:       dd 0
db_stop:        dd 0
db_dr6:         dd 0
db_eips:        times 8 dd 0
scratch:        times 8 db 0

%include "lib/irq.inc"
%include "lib/end.inc"
