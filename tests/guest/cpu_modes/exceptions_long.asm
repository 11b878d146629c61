; Exceptions in 64-bit mode: a 64-bit IDT of 16-byte gates, vectors with and without error codes
; (the error code is a quadword on the stack), the RSP alignment to 16 bytes before the frame is
; pushed, IST stack switching from the TSS, IRETQ back to the interrupted code with RFLAGS, and
; #DF on its own IST stack. The checks run after returning to 32-bit protected mode. Intel SDM
; vol. 3, 6.14 "Exception and Interrupt Handling in 64-bit Mode", 6.14.5 "Interrupt Stack Table".
%include "lib/multiboot.inc"
%include "pm_exc.inc"
%include "lm.inc"
%include "lm_exc.inc"

UNMAPPED    equ 0x40000000      ; beyond the identity-mapped first GiB

test_main:
    call exc_setup
    mov eax, long_main
    call lm_enter
    CHECK_EQ "#DE vector", [r_de_vec], 0
    CHECK_EQ "#DE rip is the div", [r_de_rip], long_main.de_insn
    CHECK_EQ "#UD vector", [r_ud_vec], 6
    CHECK_EQ "#UD rip is the ud2", [r_ud_rip], long_main.ud_insn
    CHECK_EQ "#UD frame aligned down to 16 bytes", [r_ud_frame_ok], 1
    CHECK_EQ "#UD frame holds the old RSP", [r_ud_old_rsp_ok], 1
    CHECK_EQ "#UD frame holds CS", [r_ud_cs], SEL_CODE64
    CHECK_EQ "#BP vector", [r_bp_vec], 3
    CHECK_EQ "#BP rip after int3", [r_bp_rip], long_main.bp_next
    CHECK_EQ "#BP ran on the IST1 stack", [r_bp_ist_ok], 1
    CHECK_EQ "#BP iretq restored RSP", [r_bp_rsp_ok], 1
    CHECK_EQ "#BP iretq restored CF", [r_bp_cf], 1
    CHECK_EQ "#GP vector (selector past the GDT limit)", [r_gp1_vec], 13
    CHECK_EQ "#GP error code is the selector", [r_gp1_err], 0x1000
    CHECK_EQ "#GP error code high half zero", [r_gp1_err + 4], 0
    CHECK_EQ "#GP(0) for a non-canonical address", [r_gp2_err], 0
    CHECK_EQ "#GP vector for a non-canonical address", [r_gp2_vec], 13
    CHECK_EQ "#NP vector", [r_np_vec], 11
    CHECK_EQ "#NP error code is the selector", [r_np_err], L_SEL_NP
    CHECK_EQ "#PF vector", [r_pf_vec], 14
    CHECK_EQ "#PF error code: write, not present", [r_pf_err], 2
    CHECK_EQ "#PF CR2 low", [r_pf_cr2], UNMAPPED + 0x18
    CHECK_EQ "#PF CR2 high", [r_pf_cr2 + 4], 0
    CHECK_EQ "compatibility mode #UD: vector", [r_cm_vec], 6
    CHECK_EQ "compatibility mode #UD: CS in the frame", [r_cm_cs], SEL_CODE32
    CHECK_EQ "compatibility mode #UD: RIP in the frame", [r_cm_rip], compat_ud
    CHECK_EQ "INTO, AAA, PUSH CS, POP DS are #UD in 64-bit mode", [r_invalid_ud], 4
    CHECK_EQ "#DF vector", [r_df_vec], 8
    CHECK_EQ "#DF error code 0", [r_df_err], 0
    CHECK_EQ "#DF ran on the IST2 stack", [r_df_ist_ok], 1
    CHECK_EQ "exceptions counted (the #GP of the #DF is not)", [x_count], 13
    ret

bits 64
long_main:
    call lm_exc_setup

    ; #DE
    TRY64 .de_done
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
.de_insn:
    div rcx
.de_done:
    mov eax, [rel x_vector]
    mov [rel r_de_vec], eax
    mov rax, [rel x_rip]
    mov [rel r_de_rip], eax

    ; #UD with RSP 8 bytes off a 16-byte boundary: the frame starts at (RSP & ~15) - 40.
    mov rbx, rsp
    and rsp, ~15
    sub rsp, 8
    mov r12, rsp
    TRY64 .ud_done
.ud_insn:
    ud2
.ud_done:
    mov rsp, rbx
    mov eax, [rel x_vector]
    mov [rel r_ud_vec], eax
    mov rax, [rel x_rip]
    mov [rel r_ud_rip], eax
    mov rax, [rel x_cs]
    mov [rel r_ud_cs], eax
    mov rax, r12
    and rax, ~15
    sub rax, 40
    cmp rax, [rel x_frame]
    sete al
    movzx eax, al
    mov [rel r_ud_frame_ok], eax
    cmp r12, [rel x_old_rsp]
    sete al
    movzx eax, al
    mov [rel r_ud_old_rsp_ok], eax

    ; #BP through IST1, returning with IRETQ (no TRY): RSP and RFLAGS come back.
    mov r12, rsp
    stc
    int3
.bp_next:
    setc al
    movzx eax, al
    mov [rel r_bp_cf], eax
    cmp r12, rsp
    sete al
    movzx eax, al
    mov [rel r_bp_rsp_ok], eax
    mov eax, [rel x_vector]
    mov [rel r_bp_vec], eax
    mov rax, [rel x_rip]
    mov [rel r_bp_rip], eax
    lea rax, [rel ist1_top - 40]
    cmp rax, [rel x_frame]
    sete al
    movzx eax, al
    mov [rel r_bp_ist_ok], eax

    ; #GP(selector)
    TRY64 .gp1_done
    mov ax, 0x1000
    mov ds, ax
.gp1_done:
    mov eax, [rel x_vector]
    mov [rel r_gp1_vec], eax
    mov rax, [rel x_error]
    mov [rel r_gp1_err], rax
    ; #GP(0): a non-canonical data address.
    TRY64 .gp2_done
    mov rbx, 0x0000800000000000
    mov rax, [rbx]
.gp2_done:
    mov eax, [rel x_vector]
    mov [rel r_gp2_vec], eax
    mov rax, [rel x_error]
    mov [rel r_gp2_err], eax
    ; #NP(selector)
    TRY64 .np_done
    mov ax, L_SEL_NP
    mov ds, ax
.np_done:
    mov eax, [rel x_vector]
    mov [rel r_np_vec], eax
    mov rax, [rel x_error]
    mov [rel r_np_err], eax
    ; #PF on an unmapped address.
    TRY64 .pf_done
    mov rbx, UNMAPPED
    mov qword [rbx + 0x18], 1
.pf_done:
    mov eax, [rel x_vector]
    mov [rel r_pf_vec], eax
    mov rax, [rel x_error]
    mov [rel r_pf_err], eax
    mov rax, [rel x_cr2]
    mov [rel r_pf_cr2], rax
    ; #UD in a compatibility-mode segment goes through the same 64-bit IDT; the frame holds
    ; the 32-bit CS and is 8-byte slots.
    TRY64 .compat_done
    push qword SEL_CODE32
    lea rax, [rel compat_ud]
    push rax
    retfq
.compat_done:
    mov eax, [rel x_vector]
    mov [rel r_cm_vec], eax
    mov rax, [rel x_cs]
    mov [rel r_cm_cs], eax
    mov rax, [rel x_rip]
    mov [rel r_cm_rip], eax
    ; Opcodes invalid in 64-bit mode raise #UD: INTO (CE), AAA (37), PUSH CS (0E), POP DS (1F).
    xor ebx, ebx
    lea rsi, [rel invalid64_table]
.invalid_next:
    mov dword [rel x_vector], -1
    TRY64 .invalid_done
    jmp [rsi + rbx * 8]
.invalid_done:
    cmp dword [rel x_vector], 6
    jne .invalid_bad
    inc dword [rel r_invalid_ud]
.invalid_bad:
    inc ebx
    cmp ebx, 4
    jb .invalid_next
    ; #DF: #GP whose gate is not present.
    and byte [rel l_idt + 13 * 16 + 5], 0x7F
    TRY64 .df_done
    mov ax, 0x1000
    mov ds, ax
.df_done:
    or byte [rel l_idt + 13 * 16 + 5], 0x80
    mov eax, [rel x_vector]
    mov [rel r_df_vec], eax
    mov rax, [rel x_error]
    mov [rel r_df_err], eax
    lea rax, [rel ist2_top - 40]        ; where RIP sits, above the error code
    cmp rax, [rel x_frame]
    sete al
    movzx eax, al
    mov [rel r_df_ist_ok], eax
    LM_LEAVE

invalid_into:   db 0xCE
                ud2
invalid_aaa:    db 0x37
                ud2
invalid_push_cs: db 0x0E
                ud2
invalid_pop_ds: db 0x1F
                ud2
bits 32
compat_ud:
    ud2
bits 64

bits 32
align 8
r_de_vec:       dq -1
r_de_rip:       dq 0
r_ud_vec:       dq -1
r_ud_rip:       dq 0
r_ud_cs:        dq 0
r_ud_frame_ok:  dq 0
r_ud_old_rsp_ok: dq 0
r_bp_vec:       dq -1
r_bp_rip:       dq 0
r_bp_ist_ok:    dq 0
r_bp_rsp_ok:    dq 0
r_bp_cf:        dq 0
r_gp1_vec:      dq -1
r_gp1_err:      dq -1
r_gp2_vec:      dq -1
r_gp2_err:      dq -1
r_np_vec:       dq -1
r_np_err:       dq -1
r_pf_vec:       dq -1
r_pf_err:       dq -1
r_pf_cr2:       dq 0
r_cm_vec:       dq -1
r_cm_cs:        dq 0
r_cm_rip:       dq 0
r_invalid_ud:   dq 0
invalid64_table: dq invalid_into, invalid_aaa, invalid_push_cs, invalid_pop_ds
r_df_vec:       dq -1
r_df_err:       dq -1
r_df_ist_ok:    dq 0

%include "lib/end.inc"
