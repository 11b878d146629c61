; Hardware interrupts during long REP MOVSD copies. The SDM allows (does not require) the
; interrupt to be taken between iterations; when it is, the saved EIP is the REP instruction,
; ECX/ESI/EDI hold the progress made, and the IRET resumes the copy. QEMU's TCG finishes the REP
; first, so whether one landed inside is reported, and the progress registers are checked only
; when it did; the copies must complete correctly either way. Intel SDM vol. 2B
; "REP/REPE/REPZ/REPNE/REPNZ".
%include "lib/multiboot.inc"

PIT_CH0     equ 0x40
PIT_CONTROL equ 0x43
SRC         equ 0x400000
DST         equ 0x800000
DWORDS      equ 0x100000            ; 4 MiB per copy
ROUNDS      equ 20

test_main:
    call irq_setup
    call pic_init
    mov dword [irq_hooks + 0 * 4], irq0_hook
    ; Source pattern: dword i holds i.
    mov edi, SRC
    xor eax, eax
.fill:
    stosd
    inc eax
    cmp eax, DWORDS
    jb .fill
    mov al, 0xFE
    out PIC1_DATA, al
    mov al, 0x34                ; counter 0, mode 2, ~10 kHz
    out PIT_CONTROL, al
    mov al, 119
    out PIT_CH0, al
    xor al, al
    out PIT_CH0, al

    ; Copy again and again with interrupts on until one lands inside the REP (bounded).
    mov ebx, ROUNDS
.round:
    cld
    mov esi, SRC
    mov edi, DST
    mov ecx, DWORDS
    sti
.rep_insn:
    rep movsd
    cli
    mov [final_ecx], ecx
    mov [final_edi], edi
    cmp dword [hits], 0
    jne .done
    dec ebx
    jnz .round
.done:
    mov al, 0xFF
    out PIC1_DATA, al
    mov eax, [irq_counts]
    test eax, eax
    setnz al
    movzx eax, al
    CHECK_EQ "interrupts were delivered", eax, 1
    cmp dword [hits], 0
    jne .inside
    mov esi, info_not_inside
    call serial_puts
    jmp .copied
.inside:
    mov esi, info_inside
    call serial_puts
    CHECK_EQ "the interrupted count was part-way", [partial_ok], 1
    CHECK_EQ "ESI and EDI at the same progress as ECX", [progress_ok], 1
.copied:
    CHECK_EQ "the resumed copy finished: ECX = 0", [final_ecx], 0
    CHECK_EQ "the resumed copy finished: EDI at the end", [final_edi], DST + DWORDS * 4
    ; Every dword copied (spot checks across the whole range).
    xor edx, edx
    xor ecx, ecx
.verify:
    cmp [DST + ecx * 4], ecx
    je .ok
    inc edx
.ok:
    add ecx, 4093
    cmp ecx, DWORDS
    jb .verify
    mov eax, [DST + (DWORDS - 1) * 4]
    CHECK_EQ "the last dword copied", eax, DWORDS - 1
    CHECK_EQ "copied data intact", edx, 0
    ret

; Inside the IRQ 0 stub: [esp] return address, then PUSHAD (EDI first), then EIP, CS, EFLAGS.
irq0_hook:
    mov eax, [esp + 4 + 32]
    cmp eax, test_main.rep_insn
    jne .out
    inc dword [hits]
    mov ecx, [esp + 4 + 24]     ; interrupted ECX
    mov esi, [esp + 4 + 4]      ; interrupted ESI
    mov edi, [esp + 4 + 0]      ; interrupted EDI
    mov eax, ecx
    test eax, eax
    jz .out
    cmp eax, DWORDS
    jae .out
    mov dword [partial_ok], 1
    mov eax, DWORDS
    sub eax, ecx                ; dwords done
    shl eax, 2
    lea edx, [SRC + eax]
    cmp esi, edx
    jne .out
    lea edx, [DST + eax]
    cmp edi, edx
    jne .out
    mov dword [progress_ok], 1
.out:
    ret

info_inside:     db "INFO an interrupt was taken inside rep movsd", 10, 0
info_not_inside: db "INFO no interrupt was taken inside rep movsd", 10, 0
align 4
hits:           dd 0
partial_ok:     dd 0
progress_ok:    dd 0
final_ecx:      dd -1
final_edi:      dd 0

%include "lib/irq.inc"
%include "lib/end.inc"
