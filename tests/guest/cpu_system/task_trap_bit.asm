; The TSS T (debug trap) flag: a task switch into a TSS whose T bit is set raises #DB in the new
; task before its first instruction, with DR6.BT set. Intel SDM vol. 3, 7.2.1 "Task-State Segment
; (TSS)" (T flag), 18.2.3 "Debug Status Register (DR6)" (BT), 18.3.1.5 "Task-Switch Exception
; Condition". QEMU 7.2 TCG ignores the T bit as well; this test follows the SDM.
%include "lib/multiboot.inc"
%include "sys.inc"
%include "tss.inc"

SEL_TSS_T   equ 0x60                ; TSS with the T (debug trap) bit

test_main:
    call sys_init
    TSS_DESC SEL_TSS_T, tss_t
    mov word [tss_t + TSS_T], 1     ; T bit

    ; ---- T bit: #DB (DR6.BT) before the first instruction of the new task ----
    xor eax, eax
    mov dr6, eax
    TRY .t_trap
    call SEL_TSS_T:0
    mov dword [exc_vector], -2
.t_trap:
    CHECK_EQ "TSS T bit: #DB on entering the task", [exc_vector], 1
    CHECK_EQ "TSS T bit: EIP is the new task's first instruction", [exc_eip], task_t
    mov eax, dr6
    and eax, 1 << 15
    CHECK_EQ "TSS T bit: DR6.BT", eax, 1 << 15
    CHECK_EQ "TSS T bit: the task did not run yet", [t_runs], 0
    str eax
    movzx eax, ax
    CHECK_EQ "TSS T bit: #DB delivered in the new task", eax, SEL_TSS_T
    ; the handler left us running in task T: go back to the first task by JMP (its TSS is
    ; still busy from the CALL, so mark it available) and resume it at .t_back
    mov byte [sys_gdt + SEL_TSS0 + 5], TSS_AVAIL
    mov dword [sys_tss0 + TSS_EIP], .t_back
    jmp SEL_TSS0:0
.t_back:
    str eax
    movzx eax, ax
    CHECK_EQ "TSS T bit: back in the first task", eax, SEL_TSS0
    clts

    ret

; ---- task T: never runs before the #DB ----
task_t:
    inc dword [t_runs]
    iretd

align 4
t_runs: dd 0
align 16
tss_t:  TSS32 task_t, stack_t, 0x0002, 0, 0
    times 512 db 0
stack_t:

%include "lib/end.inc"
