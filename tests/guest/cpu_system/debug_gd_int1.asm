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

db_reset:
    xor eax, eax
    mov [db_count], eax
    mov [bp_count], eax
    mov dword [db_eip], -1
    mov dr6, eax
    mov dword [db_dr6], 0
    mov dword [db_dr7], -1
    ret

; #DB: records DR6/DR7/EIP, clears DR6, sets RF so that an instruction breakpoint lets the
; instruction run when the handler returns.
db_handler:
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
