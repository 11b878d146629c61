; Canonical-address checks in 64-bit mode that the SDM specifies and QEMU's TCG does not follow:
; a non-canonical memory reference through RSP or RBP is a stack reference and raises #SS(0), not
; #GP(0); a non-canonical data reference through another base is #GP(0); a near jump to a
; non-canonical target faults on the jump itself (RIP in the frame is the jump). Intel SDM vol. 3,
; 6.15 "Interrupt 12 - Stack Fault Exception" and "Interrupt 13"; vol. 1, 3.3.7.1 "Canonical
; Addressing"; vol. 2A "JMP" (64-bit mode exceptions).
%include "lib/multiboot.inc"
%include "pm_exc.inc"
%include "lm.inc"
%include "lm_exc.inc"

NONCANON    equ 0x0000800000000000

test_main:
    call exc_setup
    mov eax, long_main
    call lm_enter
    CHECK_EQ "non-canonical [rbp]: #SS", [r_ss_vec], 12
    CHECK_EQ "non-canonical [rbp]: error 0", [r_ss_err], 0
    CHECK_EQ "non-canonical [rsp + disp]: #SS", [r_ss2_vec], 12
    CHECK_EQ "non-canonical [rbx]: #GP", [r_gp_vec], 13
    CHECK_EQ "non-canonical [rbx]: error 0", [r_gp_err], 0
    CHECK_EQ "jmp to a non-canonical target: #GP", [r_jmp_vec], 13
    CHECK_EQ "jmp to a non-canonical target: RIP is the jmp", [r_jmp_rip], long_main.jmp_insn
    ret

bits 64
long_main:
    call lm_exc_setup
    TRY64 .ss_done
    mov rbp, NONCANON
    mov rax, [rbp]
.ss_done:
    mov eax, [rel x_vector]
    mov [rel r_ss_vec], eax
    mov rax, [rel x_error]
    mov [rel r_ss_err], eax
    TRY64 .ss2_done
    mov rax, NONCANON
    mov rax, [rsp + rax]
.ss2_done:
    mov eax, [rel x_vector]
    mov [rel r_ss2_vec], eax
    TRY64 .gp_done
    mov rbx, NONCANON
    mov rax, [rbx]
.gp_done:
    mov eax, [rel x_vector]
    mov [rel r_gp_vec], eax
    mov rax, [rel x_error]
    mov [rel r_gp_err], eax
    TRY64 .jmp_done
    mov rax, NONCANON
.jmp_insn:
    jmp rax
.jmp_done:
    mov eax, [rel x_vector]
    mov [rel r_jmp_vec], eax
    mov rax, [rel x_rip]
    mov [rel r_jmp_rip], eax
    LM_LEAVE
bits 32

align 4
r_ss_vec:   dd -1
r_ss_err:   dd -1
r_ss2_vec:  dd -1
r_gp_vec:   dd -1
r_gp_err:   dd -1
r_jmp_vec:  dd -1
r_jmp_rip:  dd -1
%include "lib/end.inc"
