; Checks the SDM requires but QEMU's TCG does not model (it does not enforce segment limits or
; null-selector use for data accesses, and does not implement alignment checking): a null ES used
; for an access is #GP(0), an SS-relative access beyond the stack segment's limit is #SS(0), and a
; misaligned access at CPL 3 with CR0.AM and EFLAGS.AC set is #AC(0). Intel SDM vol. 3, 3.4.2
; "Segment Selectors" (null selector), 5.3 "Limit Checking", 6.15 "Interrupt 17 - Alignment Check".
%include "lib/multiboot.inc"
%include "pm_exc.inc"

test_main:
    call exc_setup
    ; The null selector itself loads fine into DS; using it faults with #GP(0).
    call exc_clear
    TRY .gp4_done
    xor eax, eax
    mov es, ax
.gp4_insn:
    mov eax, [es:bounds]
.gp4_done:
    CHECK_EQ "#GP(0) using a null ES", [exc_error], 0
    CHECK_EQ "#GP eip is the access through ES", [exc_eip], .gp4_insn

    ; An SS-relative access beyond the stack segment's limit: #SS(0).
    call exc_clear
    TRY .ss2_done
    mov ax, SEL_SS_2M
    mov ss, ax
    mov ebp, 0x300000
.ss2_insn:
    mov eax, [ebp]
.ss2_done:
    CHECK_EQ "#SS vector (beyond the limit)", [exc_vector], 12
    CHECK_EQ "#SS(0) for a limit violation", [exc_error], 0
    CHECK_EQ "#SS eip is the access", [exc_eip], .ss2_insn

    ; #AC: CR0.AM and EFLAGS.AC at CPL 3, a misaligned dword read.
    call exc_clear
    mov eax, cr0
    or eax, 1 << 18
    mov cr0, eax
    TRY .ac_done
    push dword SEL_UDATA32
    push dword user_stack_top
    push dword 0x40002          ; AC | reserved bit 1, IF clear
    push dword SEL_UCODE32
    push dword .ac_user
    iretd
.ac_user:
    mov ax, SEL_UDATA32
    mov ds, ax
.ac_insn:
    mov eax, [bounds + 1]
    ud2                         ; not reached: #AC resumes at .ac_done
.ac_done:
    mov eax, cr0
    and eax, ~(1 << 18)
    mov cr0, eax
    CHECK_EQ "#AC vector", [exc_vector], 17
    CHECK_EQ "#AC error code 0", [exc_error], 0
    CHECK_EQ "#AC eip is the access", [exc_eip], .ac_insn
    CHECK_EQ "#AC cs is the ring-3 segment", [exc_cs], SEL_UCODE32
    ret

align 8
bounds:     dd 0, 10            ; data for the accesses above

align 16
            times 1024 db 0
user_stack_top:
%include "lib/end.inc"
