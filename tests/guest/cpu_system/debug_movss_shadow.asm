; Single step across MOV SS / POP SS: a debug trap (TF) that would follow MOV SS or POP SS is held
; until the end of the next instruction, so that the stack pointer load that follows is not
; separated from it. Intel SDM vol. 3, 6.8.3 "Masking Exceptions and Interrupts When Switching
; Stacks"; vol. 2, MOV and POP ("... single-step trap ... inhibited until the end of the next").
%include "lib/multiboot.inc"
%include "sys.inc"

DR6_B0      equ 1 << 0
DR6_B1      equ 1 << 1
DR6_B2      equ 1 << 2
DR6_B3      equ 1 << 3
DR6_BD      equ 1 << 13
DR6_BS      equ 1 << 14
DR7_GD      equ 1 << 13
EFL_TF      equ 1 << 8
EFL_RF      equ 1 << 16

; DR7 for breakpoint n (local enable) with R/W and LEN fields
%define DR7_BP(n, rw, len) ((1 << (2 * n)) | (((len << 2) | rw) << (16 + 4 * n)))

test_main:
    call sys_init
    mov ecx, 1
    mov eax, db_handler
    mov bx, SEL_CODE0
    mov dx, 0x8E00
    call set_gate

    ; ---- TF and MOV SS: the trap after MOV SS is held until after the next instruction ----
    call db_reset
    mov ax, ss
    pushfd
    or dword [esp], EFL_TF
    popfd
movss_insn:
    mov ss, ax
movss_next:
    nop
movss_after:
    pushfd
    and dword [esp], ~EFL_TF
    popfd
    CHECK_EQ "MOV SS shadow: first single-step trap after the following instruction", [db_eips], movss_after
    CHECK_EQ "MOV SS shadow: no trap between MOV SS and the next instruction", [db_eips], movss_after
    CHECK_EQ "MOV SS shadow: four traps (MOV SS with NOP, PUSHFD, AND, POPFD)", [db_count], 4
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "MOV SS shadow: DR6 BS", eax, DR6_BS
    ; POP SS blocks the same way
    call db_reset
    push ss
    pushfd
    or dword [esp], EFL_TF
    popfd
    pop ss
    nop
popss_after:
    pushfd
    and dword [esp], ~EFL_TF
    popfd
    CHECK_EQ "POP SS shadow: first single-step trap after the following instruction", [db_eips], popss_after
    ret

db_reset:
    xor eax, eax
    mov [db_count], eax
    mov [bp_count], eax
    mov dword [db_eip], -1
    mov dr6, eax
    mov dword [db_dr6], -1
    mov dword [db_dr7], -1
    ret

; #DB: records DR6/DR7/EIP, clears DR6, sets RF so that an instruction breakpoint lets the
; instruction run when the handler returns.
db_handler:
    mov [db_ecx], ecx
    push eax
    mov eax, [esp + 4]
    mov [db_eip], eax
    mov eax, [db_count]
    cmp eax, 8
    jae .full
    push ebx
    mov ebx, [esp + 8]
    mov [db_eips + eax * 4], ebx
    pop ebx
.full:
    inc dword [db_count]
    mov eax, [flag]
    mov [db_flag_seen], eax
    mov eax, [watch4]
    mov [db_watch4_seen], eax
    mov eax, dr6
    mov [db_dr6], eax
    mov eax, dr7
    mov [db_dr7], eax
    xor eax, eax
    mov dr6, eax
    or dword [esp + 12], EFL_RF
    pop eax
    iretd

bp_handler:
    push eax
    mov eax, [esp + 4]
    mov [bp_eip], eax
    inc dword [bp_count]
    pop eax
    iretd

align 4
flag: dd 0
db_ecx: dd 0
rep_src: db 1, 2, 3, 4, 5, 6, 7, 8
rep_dst: times 8 db 0
db_count: dd 0
db_eip: dd 0
db_eips: times 8 dd 0
db_flag_seen: dd -1
db_watch4_seen: dd 0
db_dr6: dd 0
db_dr7: dd 0
bp_count: dd 0
bp_eip: dd 0
align 16
watch4: dd 0
    dd 0
    db 0, 0
watch2: dw 0                        ; 2-byte aligned
    dw 0
    db 0
watch1: db 0
    db 0, 0

%include "lib/end.inc"
