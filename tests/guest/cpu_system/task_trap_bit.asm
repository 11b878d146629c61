; The TSS T (debug trap) flag: a task switch into a TSS whose T bit is set raises #DB in the new
; task before its first instruction, with DR6.BT set. Intel SDM vol. 3, 7.2.1 "Task-State Segment
; (TSS)" (T flag), 18.2.3 "Debug Status Register (DR6)" (BT), 18.3.1.5 "Task-Switch Exception
; Condition". QEMU 7.2 TCG ignores the T bit as well; this test follows the SDM.
%include "lib/multiboot.inc"
%include "sys.inc"

SEL_TSS_A   equ 0x30
SEL_TSS_B   equ 0x38
SEL_GATE_B  equ 0x40
SEL_TSS_C   equ 0x48
SEL_TSS_D   equ 0x50
SEL_TSS_BAD equ 0x58
SEL_TSS_T   equ 0x60                ; TSS with the T (debug trap) bit
INT_TASK    equ 0x50
TSS_AVAIL   equ 0x89
TSS_BUSY    equ 0x8B
TSS_EIP     equ 0x20
TSS_EFLAGS  equ 0x24
TSS_EAX     equ 0x28
TSS_ESI     equ 0x40
TSS_CS      equ 0x4C

; TSS32 eip, esp, eflags, eax, ebx
%macro TSS32 5
    dd 0, 0, SEL_DATA0, 0, 0, 0, 0      ; back link, ESP0, SS0, ESP1, SS1, ESP2, SS2
    dd 0                                ; CR3
    dd %1, %3, %4, 0, 0, %5, %2, 0, 0, 0 ; EIP EFLAGS EAX ECX EDX EBX ESP EBP ESI EDI
    dd SEL_DATA0, SEL_CODE0, SEL_DATA0, SEL_DATA0, SEL_DATA0, SEL_DATA0 ; ES CS SS DS FS GS
    dd 0                                ; LDT
    dw 0, 104                           ; T, I/O map base (no bitmap)
%endmacro

%macro TSS_DESC 2
    mov ecx, %1
    mov eax, %2
    mov ebx, 0x67
    mov edx, TSS_AVAIL
    call set_desc
%endmacro

%macro TYPE_OF 1
    movzx eax, byte [sys_gdt + %1 + 5]
%endmacro

test_main:
    call sys_init
    TSS_DESC SEL_TSS_T, tss_t
    mov word [tss_t + 0x64], 1      ; T bit

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
