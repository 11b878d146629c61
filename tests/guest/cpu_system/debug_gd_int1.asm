; DR7.GD general detect (#DB fault on the next MOV DR, DR6.BD set, GD cleared on entry) and INT1
; (opcode F1, "ICEBP": a #DB trap without a DR6 breakpoint bit). Intel SDM vol. 3, 18.2.4
; "Debug Control Register (DR7)", 18.3.1.2 "General-Detect Exception Condition"; vol. 2, INT1.
; QEMU 7.2 TCG implements neither (MOV DR runs, F1 is #UD); these checks follow the SDM.
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

    ; ---- DR7.GD: the next MOV DR faults with DR6.BD; GD is cleared on entry ----
    call db_reset
    mov eax, DR7_GD
    mov dr7, eax
gd_insn:
    mov eax, dr0
    CHECK_EQ "general detect: one #DB", [db_count], 1
    CHECK_EQ "general detect: fault EIP is the MOV DR", [db_eip], gd_insn
    mov eax, [db_dr6]
    and eax, DR6_BD
    CHECK_EQ "general detect: DR6 BD", eax, DR6_BD
    mov eax, [db_dr7]
    and eax, DR7_GD
    CHECK_EQ "general detect: GD cleared in the handler", eax, 0
    xor eax, eax
    mov dr7, eax

    ; ---- INT1 (ICEBP) and INT3 ----
    call db_reset
    TRY int1_next
    db 0xF1
int1_next:
    mov dword [exc_resume], 0
    CHECK_EQ "INT1: no other exception", [exc_vector], -1
    CHECK_EQ "INT1: one #DB", [db_count], 1
    CHECK_EQ "INT1: trap EIP after the instruction", [db_eip], int1_next

    ret

; A missed #DB must leave no DR6 bits set for the BD/BS checks to find.
%define DB_DR6_UNSEEN 0
%include "debug_trap.inc"

%include "lib/end.inc"
