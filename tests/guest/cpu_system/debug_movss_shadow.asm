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

%include "debug_trap.inc"

%include "lib/end.inc"
