; Hardware task switching with 32-bit TSSs: JMP and CALL to a TSS descriptor and to a task gate,
; IRET back through NT and the back link, busy bits, the state saved into the old TSS and loaded
; from the new one, INT n and a double fault through IDT task gates, and #TS / #GP for TSSs that
; cannot be entered. Intel SDM vol. 3, 7.3 "Task Switching", 7.4 "Task Linking", 6.15 (#TS, #DF).
%include "lib/multiboot.inc"
%include "sys.inc"
%include "tss.inc"

SEL_TSS_A   equ 0x30
SEL_TSS_B   equ 0x38
SEL_GATE_B  equ 0x40
SEL_TSS_C   equ 0x48
SEL_TSS_D   equ 0x50
SEL_TSS_BAD equ 0x58
SEL_TSS_E   equ 0x60                ; task with an LDT
SEL_LDT     equ 0x68
SEL_TSS_F3  equ 0x70                ; TSS descriptor with DPL 3
SEL_TSS_F0  equ 0x78                ; the same TSS, DPL 0
LDT_DATA    equ 0x0C                ; LDT entry 1, TI = 1, RPL 0
INT_TASK3   equ 0x52                ; task gate with DPL 3
SEL_TSS_H   equ 0x80                ; task with its own CR3 (paging on)
PD1         equ 0x300000
PD2         equ 0x301000
INT_TASK    equ 0x50

test_main:
    call sys_init
    TSS_DESC SEL_TSS_A, tss_a
    TSS_DESC SEL_TSS_B, tss_b
    TSS_DESC SEL_TSS_C, tss_c
    TSS_DESC SEL_TSS_D, tss_d
    mov ecx, SEL_TSS_BAD            ; limit 0x50 < 0x67: not a valid 32-bit TSS
    mov eax, tss_bad
    mov ebx, 0x50
    mov edx, TSS_AVAIL
    call set_desc
    TSS_DESC SEL_TSS_E, tss_e
    TSS_DESC SEL_TSS_F0, tss_f
    TSS_DESC SEL_TSS_H, tss_h
    mov ecx, SEL_TSS_F3
    mov eax, tss_f
    mov ebx, 0x67
    mov edx, TSS_AVAIL | 0x60
    call set_desc
    mov ecx, SEL_LDT
    mov eax, ldt_table
    mov ebx, 15
    mov edx, 0x82                   ; LDT descriptor
    call set_desc
    mov dword [tss_e + 0x60], SEL_LDT
    mov dword [tss_e + 0x54], LDT_DATA  ; DS from the LDT
    mov ecx, INT_TASK3
    xor eax, eax
    mov bx, SEL_TSS_F3
    mov dx, 0xE500                  ; task gate, DPL 3
    call set_gate
    mov word [sys_gdt + SEL_GATE_B + 2], SEL_TSS_B  ; task gate, DPL 0, to TSS B
    mov byte [sys_gdt + SEL_GATE_B + 5], 0x85
    mov ecx, INT_TASK
    xor eax, eax
    mov bx, SEL_TSS_C
    mov dx, 0x8500                  ; task gate in the IDT
    call set_gate

    ; ---- JMP to a TSS descriptor and JMP back ----
    clts
    mov ax, SEL_DATA3               ; FS is saved in the outgoing TSS and reloaded
    mov fs, ax
    mov ebx, 0x12345678
    mov ebp, 0x600DF00D
    jmp SEL_TSS_A:0
after_a:
    CHECK_EQ "JMP task: EBX restored from the outgoing TSS", ebx, 0x12345678
    CHECK_EQ "JMP task: EBP restored", ebp, 0x600DF00D
    CHECK_EQ "JMP task: EAX loaded from the new TSS", [a_eax], 0x11111111
    CHECK_EQ "JMP task: EBX loaded from the new TSS", [a_ebx], 0x22222222
    CHECK_EQ "JMP task: EFLAGS loaded, NT clear", [a_eflags], 0x0803
    CHECK_EQ "JMP task: TR is the new TSS", [a_tr], SEL_TSS_A
    CHECK_EQ "JMP task: new TSS busy", [a_type_self], TSS_BUSY
    CHECK_EQ "JMP task: old TSS busy bit cleared", [a_type_prev], TSS_AVAIL
    CHECK_EQ "JMP task: back link untouched", [tss_a], 0
    CHECK_EQ "JMP back: old TSS saved EIP", [sys_tss0 + TSS_EIP], after_a
    CHECK_EQ "JMP back: task A's EAX saved", [tss_a + TSS_EAX], 0xAAAA0001
    CHECK_EQ "JMP back: task A's ESI saved", [tss_a + TSS_ESI], 0xAAAA0002
    CHECK_EQ "JMP back: task A's EIP saved", [tss_a + TSS_EIP], task_a_resume
    CHECK_EQ "JMP back: task A's CS saved", [tss_a + TSS_CS], SEL_CODE0
    TYPE_OF SEL_TSS_A
    CHECK_EQ "JMP back: task A no longer busy", eax, TSS_AVAIL
    TYPE_OF SEL_TSS0
    CHECK_EQ "JMP back: first task busy again", eax, TSS_BUSY
    str eax
    movzx eax, ax
    CHECK_EQ "JMP back: TR", eax, SEL_TSS0
    mov eax, cr0
    and eax, 1 << 3
    CHECK_EQ "task switch sets CR0.TS", eax, 1 << 3
    clts
    mov eax, fs
    movzx eax, ax
    CHECK_EQ "JMP back: FS reloaded from the old TSS", eax, SEL_DATA3
    CHECK_EQ "JMP task: FS loaded from the new TSS", [a_fs], SEL_DATA0
    CHECK_EQ "JMP back: old TSS saved FS", [sys_tss0 + 0x58], SEL_DATA3
    CHECK_EQ "JMP back: task A's saved FS (changed in task A)", [tss_a + 0x58], SEL_DATA3
    mov ax, SEL_DATA0
    mov fs, ax

    ; ---- CALL to a TSS descriptor, IRET back ----
    call SEL_TSS_B:0
    pushfd
    pop eax
    and eax, 0x4000
    CHECK_EQ "CALL task: caller's NT still clear after IRET", eax, 0
    CHECK_EQ "CALL task: NT set in the called task", [b_nt], 0x4000
    CHECK_EQ "CALL task: back link is the caller", [b_link], SEL_TSS0
    CHECK_EQ "CALL task: caller stays busy", [b_type_prev], TSS_BUSY
    CHECK_EQ "CALL task: called task busy", [b_type_self], TSS_BUSY
    TYPE_OF SEL_TSS_B
    CHECK_EQ "IRET task: the task left is not busy", eax, TSS_AVAIL
    mov eax, [tss_b + TSS_EFLAGS]
    and eax, 0x4000
    CHECK_EQ "IRET task: NT cleared in the saved EFLAGS", eax, 0
    CHECK_EQ "IRET task: saved EIP follows the IRET", [tss_b + TSS_EIP], task_b_resume
    CHECK_EQ "IRET task: saved EAX", [tss_b + TSS_EAX], 0xBBBB0001

    ; ---- CALL through a task gate: task B resumes after its IRET ----
    call SEL_GATE_B:0
    CHECK_EQ "CALL task gate: task B resumed after its IRET", [b_resumed], 1
    CHECK_EQ "CALL task gate: back link", [b_link2], SEL_TSS0
    CHECK_EQ "CALL task gate: NT in the task", [b_nt2], 0x4000
    TYPE_OF SEL_TSS_B
    CHECK_EQ "CALL task gate: not busy after IRET", eax, TSS_AVAIL

    ; ---- INT n through an IDT task gate ----
    mov edi, 0x5EED0001
    int INT_TASK
    CHECK_EQ "INT task gate: handler task ran", [c_runs], 1
    CHECK_EQ "INT task gate: back link", [c_link], SEL_TSS0
    CHECK_EQ "INT task gate: NT set", [c_nt], 0x4000
    CHECK_EQ "INT task gate: EDI loaded from the handler's TSS", [c_edi], 0
    CHECK_EQ "INT task gate: EDI restored after IRET", edi, 0x5EED0001
    int INT_TASK
    CHECK_EQ "INT task gate: second INT resumes the handler", [c_runs], 2

    ; ---- #DF through an IDT task gate: #DE whose gate is not present gives #NP, then #DF ----
    mov ecx, 8
    xor eax, eax
    mov bx, SEL_TSS_D
    mov dx, 0x8500
    call set_gate
    mov word [sys_idt + 0 * 8 + 4], 0x0E00  ; vector 0 not present
    xor edx, edx
    xor ecx, ecx
    mov eax, 1
df_div:
    div ecx
    CHECK_EQ "#DF task: did not continue after the DIV", 0, 1
df_recover:
    mov word [sys_idt + 0 * 8 + 4], 0x8E00
    CHECK_EQ "#DF task: handler task ran", [d_runs], 1
    CHECK_EQ "#DF task: error code 0 on the handler's stack", [d_error], 0
    CHECK_EQ "#DF task: back link", [d_link], SEL_TSS0
    CHECK_EQ "#DF task: saved EIP is the faulting DIV", [d_eip], df_div
    TYPE_OF SEL_TSS_D
    CHECK_EQ "#DF task: not busy after IRET", eax, TSS_AVAIL

    ; ---- #TS: a TSS descriptor whose limit is below 0x67 ----
    TRY .ts
    jmp SEL_TSS_BAD:0
.ts:
    CHECK_EQ "TSS limit too small: #TS", [exc_vector], 10
    CHECK_EQ "TSS limit too small: error code is the selector", [exc_error], SEL_TSS_BAD
    TYPE_OF SEL_TSS_BAD
    CHECK_EQ "TSS limit too small: not marked busy", eax, TSS_AVAIL
    str eax
    movzx eax, ax
    CHECK_EQ "TSS limit too small: still in the first task", eax, SEL_TSS0

    ; ---- #GP: JMP to a busy TSS (the current one) ----
    TRY .busy
    jmp SEL_TSS0:0
.busy:
    CHECK_EQ "JMP to a busy TSS: #GP", [exc_vector], 13
    CHECK_EQ "JMP to a busy TSS: error code is the selector", [exc_error], SEL_TSS0

    ; ---- a task with an LDT: LDTR and an LDT-based DS come from its TSS ----
    jmp SEL_TSS_E:0
    CHECK_EQ "LDT task: LDTR loaded", [e_ldtr], SEL_LDT
    CHECK_EQ "LDT task: DS is the LDT selector", [e_ds], LDT_DATA
    CHECK_EQ "LDT task: data read through the LDT segment", [e_value], 0x1DDA7A
    sldt eax
    movzx eax, ax
    CHECK_EQ "LDT task: LDTR restored (null) on the way back", eax, 0

    ; ---- task switches from CPL 3: CALL to a DPL 3 TSS, INT n through a DPL 3 task gate ----
    mov eax, r3_call_task
    call call_ring3
    CHECK_EQ "CALL from CPL 3 to a DPL 3 TSS: the task ran", [f_runs], 2
    CHECK_EQ "task entered from CPL 3 runs at its own CPL 0", [f_cs], SEL_CODE0
    CHECK_EQ "task entered from CPL 3: back link", [f_link], SEL_TSS0
    CHECK_EQ "CPL 3 resumed after both IRETs", [r3_resumed], 2
    CHECK_EQ "outgoing CPL 3 state saved: CS", [sys_tss0 + TSS_CS], SEL_CODE3
    TRY .f0
    mov eax, r3_call_task0
    call call_ring3
.f0:
    CHECK_EQ "CALL from CPL 3 to a DPL 0 TSS: #GP", [exc_vector], 13
    CHECK_EQ "CALL from CPL 3 to a DPL 0 TSS: error code", [exc_error], SEL_TSS_F0

    ; ---- with paging on, a task switch loads CR3 from the new TSS (and flushes the TLB) ----
    mov dword [0x400000], 0x44444444
    mov dword [0xC00000], 0xCCCCCCCC
    mov edi, PD1
    xor eax, eax
    mov ecx, 2048
    rep stosd
    mov eax, 0x83                   ; 4 MiB pages, identity: 0..16 MiB
    mov [PD1 + 0], eax
    mov [PD2 + 0], eax
    mov eax, 0x400083
    mov [PD1 + 4], eax
    mov [PD2 + 4], eax
    mov [PD2 + 12], eax             ; PD2: linear 0xC00000 -> physical 0x400000
    mov eax, 0x800083
    mov [PD1 + 8], eax
    mov [PD2 + 8], eax
    mov eax, 0xC00083
    mov [PD1 + 12], eax
    mov eax, cr4
    or eax, 1 << 4                  ; PSE
    mov cr4, eax
    mov eax, PD1
    mov cr3, eax
    mov [sys_tss0 + 0x1C], eax      ; the way back loads PD1 again
    mov dword [tss_h + 0x1C], PD2
    mov eax, cr0
    or eax, 1 << 31
    mov cr0, eax
    mov eax, [0xC00000]             ; a TLB entry for 0xC00000 through PD1
    mov [h_before], eax
    jmp SEL_TSS_H:0
    mov eax, [0xC00000]
    mov [h_after], eax
    mov eax, cr3
    mov [h_cr3_after], eax
    mov eax, cr0
    and eax, ~(1 << 31)
    mov cr0, eax
    clts
    CHECK_EQ "CR3 task: before, 0xC00000 reads through PD1", [h_before], 0xCCCCCCCC
    CHECK_EQ "CR3 task: CR3 loaded from the new TSS", [h_cr3], PD2
    CHECK_EQ "CR3 task: 0xC00000 now translated through PD2", [h_value], 0x44444444
    CHECK_EQ "CR3 task: back: CR3 from the first TSS", [h_cr3_after], PD1
    CHECK_EQ "CR3 task: back: 0xC00000 through PD1 again", [h_after], 0xCCCCCCCC

    ; ---- LTR of a busy TSS: #GP(selector) ----
    TRY .ltr_busy
    mov ax, SEL_TSS0
    ltr ax
.ltr_busy:
    CHECK_EQ "LTR of a busy TSS: #GP", [exc_vector], 13
    CHECK_EQ "LTR of a busy TSS: error code", [exc_error], SEL_TSS0

    ; ---- IRET with NT set whose back link names a TSS that is not busy: #TS(back link) ----
    mov word [sys_tss0], SEL_TSS_A
    TRY .iret_ts
    pushfd
    or dword [esp], 0x4000
    popfd
    iretd
.iret_ts:
    mov word [sys_tss0], 0
    CHECK_EQ "IRET to a non-busy back link: #TS", [exc_vector], 10
    CHECK_EQ "IRET to a non-busy back link: error code", [exc_error], SEL_TSS_A
    TYPE_OF SEL_TSS_A
    CHECK_EQ "IRET to a non-busy back link: target not made busy", eax, TSS_AVAIL
    ret

; ---- task A: entered by JMP ----
task_a:
    mov [a_eax], eax
    mov [a_fs], fs
    push eax
    mov ax, SEL_DATA3
    mov fs, ax
    pop eax
    mov [a_ebx], ebx
    pushfd
    pop dword [a_eflags]
    str eax
    movzx eax, ax
    mov [a_tr], eax
    TYPE_OF SEL_TSS_A
    mov [a_type_self], eax
    TYPE_OF SEL_TSS0
    mov [a_type_prev], eax
    mov eax, 0xAAAA0001
    mov esi, 0xAAAA0002
    jmp SEL_TSS0:0
task_a_resume:
    jmp task_a

; ---- task B: entered by CALL, then through the task gate ----
task_b:
    pushfd
    pop eax
    and eax, 0x4000
    mov [b_nt], eax
    movzx eax, word [tss_b]
    mov [b_link], eax
    TYPE_OF SEL_TSS0
    mov [b_type_prev], eax
    TYPE_OF SEL_TSS_B
    mov [b_type_self], eax
    mov eax, 0xBBBB0001
    iretd
task_b_resume:
    inc dword [b_resumed]
    pushfd
    pop eax
    and eax, 0x4000
    mov [b_nt2], eax
    movzx eax, word [tss_b]
    mov [b_link2], eax
    iretd
    jmp task_b

; ---- task C: INT INT_TASK ----
task_c:
    inc dword [c_runs]
    mov [c_edi], edi
    pushfd
    pop eax
    and eax, 0x4000
    mov [c_nt], eax
    movzx eax, word [tss_c]
    mov [c_link], eax
    mov edi, 0xC0C0C0C0
    iretd
    jmp task_c

; ---- task E: has an LDT ----
task_e:
    mov eax, [0x0 + e_data]         ; through DS = LDT_DATA (flat)
    push ds
    push SEL_DATA0
    pop ds
    mov [e_value], eax
    pop eax
    movzx eax, ax
    mov [e_ds], eax
    sldt eax
    movzx eax, ax
    mov [e_ldtr], eax
    jmp SEL_TSS0:0

; ---- task H: runs with CR3 = PD2 ----
task_h:
    mov eax, cr3
    mov [h_cr3], eax
    mov eax, [0xC00000]
    mov [h_value], eax
    jmp SEL_TSS0:0

; ---- task F: entered from CPL 3 ----
task_f:
    inc dword [f_runs]
    mov [f_cs], cs
    movzx eax, word [tss_f]
    mov [f_link], eax
    iretd
    jmp task_f

r3_call_task:
    call SEL_TSS_F3:0
    inc dword [r3_resumed]
    int INT_TASK3
    inc dword [r3_resumed]
    int RING0_VECTOR
r3_call_task0:
    call SEL_TSS_F0:0
    int RING0_VECTOR

; ---- task D: double fault ----
task_d:
    pop eax
    mov [d_error], eax
    inc dword [d_runs]
    movzx eax, word [tss_d]
    mov [d_link], eax
    mov eax, [sys_tss0 + TSS_EIP]
    mov [d_eip], eax
    mov dword [sys_tss0 + TSS_EIP], df_recover
    iretd
    jmp task_d

align 4
a_eax: dd 0
a_fs: dd 0
a_ebx: dd 0
a_eflags: dd 0
a_tr: dd 0
a_type_self: dd 0
a_type_prev: dd 0
b_nt: dd 0
b_link: dd 0
b_type_prev: dd 0
b_type_self: dd 0
b_resumed: dd 0
b_nt2: dd 0
b_link2: dd 0
c_runs: dd 0
c_edi: dd 0
c_nt: dd 0
c_link: dd 0
d_error: dd -1
e_ldtr: dd -1
e_ds: dd -1
e_value: dd 0
e_data: dd 0x1DDA7A
f_runs: dd 0
h_before: dd 0
h_cr3: dd 0
h_value: dd 0
h_after: dd 0
h_cr3_after: dd 0
f_cs: dd 0
f_link: dd 0
r3_resumed: dd 0
align 8
ldt_table:
    dq 0
    dq 0x00CF92000000FFFF           ; flat data, DPL 0
d_runs: dd 0
d_link: dd 0
d_eip: dd 0

align 16
tss_a:  TSS32 task_a, stack_a, 0x0803, 0x11111111, 0x22222222
tss_b:  TSS32 task_b, stack_b, 0x0002, 0, 0
tss_c:  TSS32 task_c, stack_c, 0x0002, 0, 0
tss_d:  TSS32 task_d, stack_d, 0x0002, 0, 0
tss_e:  TSS32 task_e, stack_c, 0x0002, 0, 0
tss_f:  TSS32 task_f, stack_d, 0x0002, 0, 0
tss_h:  TSS32 task_h, stack_d, 0x0002, 0, 0
tss_bad: times 104 db 0
    times 512 db 0
stack_a:
    times 512 db 0
stack_b:
    times 512 db 0
stack_c:
    times 512 db 0
stack_d:

%include "lib/end.inc"
