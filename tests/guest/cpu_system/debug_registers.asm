; Debug registers and debug exceptions: an instruction breakpoint (#DB fault before the instruction,
; DR6.B0, EFLAGS.RF to resume), data breakpoints for writes and for reads/writes with lengths 1, 2
; and 4 (#DB trap after the access), INT3, and TF single step (DR6.BS). General detect and INT1
; are in debug_gd_int1.asm. Intel SDM vol. 3, 18.2 "Debug Registers", 18.3
; "Debug Exceptions".
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
    mov ecx, 3
    mov eax, bp_handler
    call set_gate

    ; ---- instruction breakpoint on DR0 ----
    call db_reset
    mov eax, exec_target
    mov dr0, eax
    mov eax, DR7_BP(0, 0, 0)
    mov dr7, eax
    mov dword [flag], 0
exec_target:
    mov dword [flag], 1
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "execute breakpoint: one #DB", [db_count], 1
    CHECK_EQ "execute breakpoint: fault EIP is the instruction", [db_eip], exec_target
    CHECK_EQ "execute breakpoint: taken before the instruction ran", [db_flag_seen], 0
    CHECK_EQ "execute breakpoint: instruction ran once after RF", [flag], 1
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "execute breakpoint: DR6 B0 only", eax, DR6_B0

    ; ---- write watchpoint, 4 bytes, on DR1 ----
    call db_reset
    mov eax, watch4
    mov dr1, eax
    mov eax, DR7_BP(1, 1, 3)
    mov dr7, eax
    mov eax, [watch4]               ; a read: no #DB for a write-only breakpoint
    mov byte [watch4 + 3], 7        ; a write inside the 4 bytes: #DB after it
write_next:
    nop
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "write watchpoint: one #DB (read ignored)", [db_count], 1
    CHECK_EQ "write watchpoint: trap EIP is the next instruction", [db_eip], write_next
    CHECK_EQ "write watchpoint: the write happened", [db_watch4_seen], 0x07000000
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "write watchpoint: DR6 B1", eax, DR6_B1

    ; ---- read/write watchpoint, 2 bytes, on DR2 ----
    call db_reset
    mov eax, watch2
    mov dr2, eax
    mov eax, DR7_BP(2, 3, 1)
    mov dr7, eax
    mov al, [watch2 + 2]            ; just outside: no #DB
    mov al, [watch2 + 1]            ; inside: #DB
rw2_next:
    mov al, [watch2 - 1]            ; just before: no #DB
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "read/write watchpoint len 2: one #DB", [db_count], 1
    CHECK_EQ "read/write watchpoint len 2: trap EIP", [db_eip], rw2_next
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "read/write watchpoint len 2: DR6 B2", eax, DR6_B2

    ; ---- read/write watchpoint, 1 byte, on DR3; a word access overlapping it ----
    call db_reset
    mov eax, watch1
    mov dr3, eax
    mov eax, DR7_BP(3, 3, 0)
    mov dr7, eax
    mov al, [watch1 + 1]            ; no #DB
    mov ax, [watch1 - 1]            ; covers watch1: #DB
rw1_next:
    nop
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "read/write watchpoint len 1: one #DB", [db_count], 1
    CHECK_EQ "read/write watchpoint len 1: trap EIP", [db_eip], rw1_next
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "read/write watchpoint len 1: DR6 B3", eax, DR6_B3

    ; ---- a 4-byte read/write breakpoint hit by a word access that starts before it ----
    call db_reset
    mov eax, watch_ov
    mov dr0, eax
    mov eax, DR7_BP(0, 3, 3)
    mov dr7, eax
    mov ax, [watch_ov - 1]          ; bytes watch_ov-1 and watch_ov: overlaps the first byte
overlap_next:
    mov eax, [watch_ov + 4]         ; the next dword: no #DB
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "overlapping access: one #DB", [db_count], 1
    CHECK_EQ "overlapping access: trap EIP", [db_eip], overlap_next

    ; ---- a write breakpoint hit inside REP MOVSB: trap after that iteration ----
    call db_reset
    mov eax, rep_dst + 3
    mov dr0, eax
    mov eax, DR7_BP(0, 1, 0)
    mov dr7, eax
    mov esi, rep_src
    mov edi, rep_dst
    mov ecx, 8
    cld
rep_insn:
    rep movsb
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "REP MOVSB write breakpoint: one #DB", [db_count], 1
    CHECK_EQ "REP MOVSB write breakpoint: EIP still at the REP MOVSB", [db_eip], rep_insn
    CHECK_EQ "REP MOVSB write breakpoint: ECX after the 4th byte", [db_ecx], 4
    CHECK_EQ "REP MOVSB write breakpoint: copy completed", [rep_dst + 4], 0x08070605
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "REP MOVSB write breakpoint: DR6 B0", eax, DR6_B0

    ; ---- a write breakpoint on the stack: PUSH ----
    call db_reset
    lea eax, [esp - 4]
    mov dr1, eax
    mov eax, DR7_BP(1, 1, 3)
    mov dr7, eax
    push ebx
push_next:
    pop ebx
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "PUSH onto a watched stack slot: #DB", [db_count], 1
    CHECK_EQ "PUSH onto a watched stack slot: trap after the PUSH", [db_eip], push_next

    ; ---- I/O breakpoint (CR4.DE, R/W = 10): trap after IN/OUT on the port. Only when CPUID
    ; advertises DE; otherwise CR4.DE is reserved and setting it is #GP(0). ----
    mov eax, 1
    cpuid
    test edx, 1 << 2
    jnz io_bp_test
    TRY io_no_de
    mov eax, cr4
    or eax, 1 << 3
    mov cr4, eax
    mov dword [exc_vector], -2
io_no_de:
    CHECK_EQ "CR4.DE not advertised: setting it is #GP", [exc_vector], 13
    CHECK_EQ "CR4.DE not advertised: error 0", [exc_error], 0
    jmp io_done
io_bp_test:
    call db_reset
    mov eax, cr4
    or eax, 1 << 3
    mov cr4, eax
    mov eax, 0x3FF
    mov dr3, eax
    mov eax, DR7_BP(3, 2, 0)
    mov dr7, eax
    mov dx, 0x3FE
    in al, dx                       ; another port: no #DB
    mov dx, 0x3FF
    in al, dx
io_next:
    nop
    xor eax, eax
    mov dr7, eax
    mov eax, cr4
    and eax, ~(1 << 3)
    mov cr4, eax
    CHECK_EQ "I/O breakpoint: one #DB", [db_count], 1
    CHECK_EQ "I/O breakpoint: trap after the IN", [db_eip], io_next
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "I/O breakpoint: DR6 B3", eax, DR6_B3
io_done:

    ; ---- INT3 ----
    call db_reset
    int3
int3_next:
    CHECK_EQ "INT3: one #BP", [bp_count], 1
    CHECK_EQ "INT3: EIP after the instruction", [bp_eip], int3_next

    ; ---- TF single step ----
    call db_reset
    pushfd
    or dword [esp], EFL_TF
    popfd                           ; TF set by this instruction: no trap after it
step1:
    nop
step2:
    nop
step3:
    pushfd
    and dword [esp], ~EFL_TF
    popfd                           ; TF was set when it began: it still traps
step_end:
    CHECK_EQ "single step: five traps", [db_count], 5
    CHECK_EQ "single step: first trap after the first NOP", [db_eips + 0], step2
    CHECK_EQ "single step: second trap", [db_eips + 4], step3
    CHECK_EQ "single step: last trap after the POPF clearing TF", [db_eips + 16], step_end
    mov eax, [db_dr6]
    and eax, 0x600F
    CHECK_EQ "single step: DR6 BS", eax, DR6_BS
    pushfd
    pop eax
    and eax, EFL_TF
    CHECK_EQ "single step: TF clear afterwards", eax, 0
    ret

rep_src: db 1, 2, 3, 4, 5, 6, 7, 8
rep_dst: times 8 db 0

%include "debug_trap.inc"
align 4
    dd 0
watch_ov: dd 0
    dd 0

%include "lib/end.inc"
