; Virtual-8086 mode without VME: entered by IRETD with EFLAGS.VM, 8086 addressing (segment * 16),
; IOPL 3 lets CLI/STI/PUSHF/POPF/INT n run directly (INT n through the protected-mode IDT with the
; V86 frame holding ES/DS/FS/GS, which are zeroed on entry), IOPL < 3 makes them #GP(0) to the
; monitor, IN/OUT always obey the TSS I/O bitmap, and POPF cannot change IOPL.
; Intel SDM vol. 3, 20.2 "Virtual-8086 Mode", 20.3 "Interrupt and Exception Handling in V86".
%include "lib/multiboot.inc"
%include "sys.inc"

V86_SEG     equ 0x2000              ; code, data and stack live at linear 0x20000
V86_BASE    equ V86_SEG * 16
V86_ES      equ 0x2100
V86_FS      equ 0x2200
V86_GS      equ 0x2300
INT_ECHO    equ 0x41                ; DPL 3 gate: a protected-mode handler that returns to V86
INT_LOW     equ 0x42                ; DPL 0 gate: #GP for INT n from V86
INT_CONF    equ 0x43                ; DPL 3 gate to a conforming segment: #GP(selector) from V86
SEL_CONF0   equ 0x30
SEL_TSS_G   equ 0x38                ; a task whose TSS holds EFLAGS.VM = 1
INT_TASK_OUT equ 0x44               ; DPL 3 interrupt gate: leaves the V86 task
EFL_VM      equ 1 << 17
IOPL3       equ 3 << 12
SCRATCH     equ 0x3FF

%define IP_OF(l) (l - v86_code)

test_main:
    call sys_init
    ; copy the 8086 code below 1 MiB
    mov esi, v86_code
    mov edi, V86_BASE
    mov ecx, v86_code_end - v86_code
    rep movsb
    mov ecx, INT_ECHO
    mov eax, int_echo
    mov bx, SEL_CODE0
    mov dx, 0xEE00
    call set_gate
    mov ecx, INT_LOW
    mov eax, int_echo
    mov dx, 0x8E00
    call set_gate
    mov ecx, INT_CONF
    mov eax, int_echo
    mov bx, SEL_CONF0
    mov dx, 0xEE00
    call set_gate
    mov ecx, SEL_CONF0
    xor eax, eax
    mov ebx, 0xFFFFF
    mov edx, 0xC9E                  ; conforming, readable code, DPL 0
    call set_desc
    btr dword [sys_iomap + (SCRATCH / 32) * 4], SCRATCH % 32
    mov dword [tss_g + 0x20], IP_OF(v86_task)
    mov ecx, SEL_TSS_G
    mov eax, tss_g
    mov ebx, 0x67
    mov edx, 0x89
    call set_desc
    mov ecx, INT_TASK_OUT
    mov eax, task_out
    mov bx, SEL_CODE0
    mov dx, 0xEE00
    call set_gate

    ; ---- IOPL 3: the sensitive instructions run directly ----
    mov eax, IP_OF(v86_iopl3)
    mov ebx, EFL_VM | IOPL3 | 0x202
    call v86_run
    CHECK_EQ "V86 left by INT: VM set in the pushed EFLAGS", [frame_vm], EFL_VM
    CHECK_EQ "V86 exit frame: CS", [frame + 4], V86_SEG
    CHECK_EQ "V86 exit frame: EIP after the INT", [frame + 0], IP_OF(v86_iopl3_exit) + 4
    CHECK_EQ "V86 exit frame: SS", [frame + 16], V86_SEG
    CHECK_EQ "V86 exit frame: ES", [frame + 20], V86_ES
    CHECK_EQ "V86 exit frame: DS", [frame + 24], V86_SEG
    CHECK_EQ "V86 exit frame: FS", [frame + 28], V86_FS
    CHECK_EQ "V86 exit frame: GS", [frame + 32], V86_GS
    CHECK_EQ "V86 exit: DS, ES, FS, GS zeroed in the handler", [handler_segs], 0
    CHECK_EQ "V86 exit: CS is the gate's", [handler_cs], SEL_CODE0
    movzx eax, word [V86_BASE + 0x100]
    CHECK_EQ "V86: 8086 addressing stored through DS", eax, 0xBEEF
    movzx eax, word [V86_ES * 16 + 0x10]
    CHECK_EQ "V86: store through ES", eax, 0x1234
    movzx eax, word [V86_BASE + 0x102]
    and eax, 0x0200
    CHECK_EQ "V86 IOPL 3: CLI cleared IF (PUSHF image)", eax, 0
    movzx eax, word [V86_BASE + 0x104]
    and eax, 0x0200
    CHECK_EQ "V86 IOPL 3: STI set IF (PUSHF image)", eax, 0x0200
    movzx eax, word [V86_BASE + 0x106]
    and eax, 0x3000
    CHECK_EQ "V86 IOPL 3: POPF did not change IOPL", eax, 0x3000
    movzx eax, word [V86_BASE + 0x106]
    and eax, 0x0801
    CHECK_EQ "V86 IOPL 3: POPF loaded OF and CF", eax, 0x0801
    movzx eax, word [V86_BASE + 0x108]
    CHECK_EQ "V86 IOPL 3: INT n through the IDT returned AX", eax, 0x5678
    CHECK_EQ "V86 INT n: handler saw VM in the frame", [echo_vm], EFL_VM
    CHECK_EQ "V86 INT n: frame DS", [echo_ds], V86_SEG
    CHECK_EQ "V86 INT n: frame ES", [echo_es], V86_ES
    movzx eax, byte [V86_BASE + 0x10A]
    CHECK_EQ "V86: allowed port works (scratch register)", eax, 0x77
    mov eax, [V86_BASE + 0x10C]
    and eax, EFL_VM | (1 << 16)
    CHECK_EQ "V86 PUSHFD image: VM and RF clear", eax, 0
    movzx eax, word [V86_BASE + 0x110]
    CHECK_EQ "V86 IOPL 3: IRET returns within V86", eax, 0x0100

    ; ---- a task switch into a TSS with EFLAGS.VM: segments loaded 8086-style ----
    call SEL_TSS_G:0
.g_back:
    movzx eax, word [V86_BASE + 0x120]
    CHECK_EQ "V86 task: entered, stored through ES", eax, 0x7A5C
    CHECK_EQ "V86 task: interrupt frame has VM", [g_vm], EFL_VM
    CHECK_EQ "V86 task: frame CS", [g_frame + 4], V86_SEG
    CHECK_EQ "V86 task: frame EIP", [g_frame + 0], IP_OF(v86_task_int) + 2
    CHECK_EQ "V86 task: frame DS from the TSS", [g_frame + 24], V86_ES
    CHECK_EQ "V86 task: frame GS from the TSS", [g_frame + 32], V86_GS
    CHECK_EQ "V86 task: ring 0 stack from its own TSS (ESP0)", [g_esp], g_stack_top - 9 * 4
    CHECK_EQ "V86 task: TR", [g_tr], SEL_TSS_G

    ; ---- IOPL 0: each sensitive instruction traps to the monitor with #GP(0) ----
%macro GP_AT 2
    TRY %%fault
    mov eax, IP_OF(%1)
    mov ebx, EFL_VM | 0x2
    call v86_run
%%fault:
    mov eax, [exc_eflags]
    and eax, EFL_VM
    or eax, [exc_error]
    cmp dword [exc_vector], 13
    je %%vec
    or eax, 0x100
%%vec:
    mov ecx, [exc_eip]
    cmp ecx, IP_OF(%1)
    je %%ip
    or eax, 0x200
%%ip:
    CHECK_EQ %2, eax, EFL_VM
%endmacro
    GP_AT v86_cli, "V86 IOPL 0: CLI gives #GP(0) at the CLI"
    GP_AT v86_sti, "V86 IOPL 0: STI gives #GP(0)"
    GP_AT v86_pushf, "V86 IOPL 0: PUSHF gives #GP(0)"
    GP_AT v86_popf, "V86 IOPL 0: POPF gives #GP(0)"
    GP_AT v86_int, "V86 IOPL 0: INT n gives #GP(0)"
    GP_AT v86_iret, "V86 IOPL 0: IRET gives #GP(0)"
    CHECK_EQ "V86 #GP: CS in the frame is the V86 segment", [exc_cs], V86_SEG

%ifdef V86_BREAKPOINT
    ; ---- an instruction breakpoint in V86 matches the linear address segment * 16 + IP ----
    mov eax, V86_BASE + IP_OF(v86_bp_target)
    mov dr0, eax
    mov eax, 1                      ; L0, execute, length 1
    mov dr7, eax
    TRY .bp
    mov eax, IP_OF(v86_bp_start)
    mov ebx, EFL_VM | IOPL3 | 0x2
    call v86_run
.bp:
    xor eax, eax
    mov dr7, eax
    CHECK_EQ "V86 instruction breakpoint: #DB", [exc_vector], 1
    CHECK_EQ "V86 instruction breakpoint: EIP is the IP", [exc_eip], IP_OF(v86_bp_target)
    CHECK_EQ "V86 instruction breakpoint: CS", [exc_cs], V86_SEG
    mov eax, [exc_eflags]
    and eax, EFL_VM
    CHECK_EQ "V86 instruction breakpoint: VM in the frame", eax, EFL_VM
    mov eax, dr6
    and eax, 0xF
    CHECK_EQ "V86 instruction breakpoint: DR6 B0", eax, 1
    xor eax, eax
    mov dr6, eax
%endif

    ; ---- IOPL 0: INT3 is not IOPL-sensitive: it goes through the IDT (DPL 3 gate) ----
    mov ecx, 3
    mov eax, int_echo
    mov bx, SEL_CODE0
    mov dx, 0xEE00
    call set_gate
    mov dword [frame + 4], 0
    TRY .int3_fault
    mov eax, IP_OF(v86_int3)
    mov ebx, EFL_VM | 0x2
    call v86_run
    mov dword [exc_resume], 0
    CHECK_EQ "V86 IOPL 0: INT3 reaches its handler (no #GP)", [frame + 4], V86_SEG
    CHECK_EQ "V86 IOPL 0: INT3 frame EIP after the INT3", [frame + 0], IP_OF(v86_int3) + 3
    jmp .int3_done
.int3_fault:
    CHECK_EQ "V86 IOPL 0: INT3 no fault", [exc_vector], -2
.int3_done:
    mov ecx, 3
    mov eax, [exc_stub_table + 3 * 4]
    mov dx, 0x8E00
    call set_gate

    ; ---- IOPL 3: INT n through a DPL 0 gate is #GP(vector * 8 + 2) ----
    TRY .low
    mov eax, IP_OF(v86_int_low)
    mov ebx, EFL_VM | IOPL3 | 0x2
    call v86_run
.low:
    CHECK_EQ "V86 INT n through a DPL 0 gate: #GP", [exc_vector], 13
    CHECK_EQ "V86 INT n through a DPL 0 gate: error code", [exc_error], INT_LOW * 8 + 2

    ; ---- IOPL 3: INT n through a gate whose code segment is conforming: #GP(selector) ----
    TRY .conf
    mov eax, IP_OF(v86_int_conf)
    mov ebx, EFL_VM | IOPL3 | 0x2
    call v86_run
.conf:
    CHECK_EQ "V86 INT n to a conforming handler segment: #GP", [exc_vector], 13
    CHECK_EQ "V86 INT n to a conforming handler segment: error code", [exc_error], SEL_CONF0

    ; ---- the I/O bitmap applies even with IOPL 3 ----
    TRY .io
    mov eax, IP_OF(v86_denied_io)
    mov ebx, EFL_VM | IOPL3 | 0x2
    call v86_run
.io:
    CHECK_EQ "V86 IOPL 3: denied port gives #GP", [exc_vector], 13
    CHECK_EQ "V86 IOPL 3: denied port error 0", [exc_error], 0
    CHECK_EQ "V86 IOPL 3: denied port EIP", [exc_eip], IP_OF(v86_denied_io)
    ; with IOPL 0 an allowed port still works (no IOPL check for I/O in V86)
    mov byte [V86_BASE + 0x10A], 0
    TRY .io0
    mov eax, IP_OF(v86_io_only)
    mov ebx, EFL_VM | 0x2
    call v86_run
.io0:
    CHECK_EQ "V86 IOPL 0: HLT gives #GP", [exc_vector], 13
    CHECK_EQ "V86 IOPL 0: HLT EIP", [exc_eip], IP_OF(v86_exit_fault)
    movzx eax, byte [V86_BASE + 0x10A]
    CHECK_EQ "V86 IOPL 0: allowed port works", eax, 0x77
    ret

; eax = IP, ebx = EFLAGS. Runs 8086 code at V86_SEG:IP until it executes INT INT_ECHO with AH=0xFF
; (or faults, see TRY). Segment registers for V86: DS = SS = CS = V86_SEG, ES/FS/GS distinct.
v86_run:
    pushad
    mov [v86_saved_esp], esp
    mov [sys_tss0 + 4], esp
    mov dword [sys_tss0 + 8], SEL_DATA0
    push dword V86_GS
    push dword V86_FS
    push dword V86_SEG
    push dword V86_ES
    push dword V86_SEG
    push dword 0xFFF0
    push ebx
    push dword V86_SEG
    push eax
    iretd

; INT INT_ECHO: AH = 0xFF ends the V86 run, otherwise AX = 0x5678 and back to V86.
int_echo:
    mov [ss:handler_segs], ds
    mov [ss:handler_segs + 2], es
    mov [ss:handler_segs2], fs
    mov [ss:handler_segs2 + 2], gs
    push eax
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov eax, [handler_segs2]
    or [handler_segs], eax
    mov eax, [esp + 4 + 8]
    and eax, EFL_VM
    mov [echo_vm], eax
    mov eax, [esp + 4 + 20]
    mov [echo_es], eax
    mov eax, [esp + 4 + 24]
    mov [echo_ds], eax
    pop eax
    cmp ah, 0xFF
    je .exit
    mov ax, 0x5678
    iretd
.exit:
    mov esi, esp
    mov edi, frame
    mov ecx, 9
    rep movsd
    mov eax, [frame + 8]
    and eax, EFL_VM
    mov [frame_vm], eax
    mov [handler_cs], cs
    mov esp, [v86_saved_esp]
    push dword 2
    popfd
    popad
    ret

; INT_TASK_OUT from the V86 task: record, then JMP back to the first task (busy from the CALL:
; mark it available) at .g_back
task_out:
    mov ax, SEL_DATA0
    mov ds, ax
    mov es, ax
    mov [g_esp], esp
    mov esi, esp
    mov edi, g_frame
    mov ecx, 9
    cld
    rep movsd
    mov eax, [g_frame + 8]
    and eax, EFL_VM
    mov [g_vm], eax
    str eax
    movzx eax, ax
    mov [g_tr], eax
    mov byte [sys_gdt + SEL_TSS0 + 5], 0x89
    mov dword [sys_tss0 + 0x20], test_main.g_back
    jmp SEL_TSS0:0

align 4
g_esp: dd 0
g_vm: dd 0
g_tr: dd 0
g_frame: times 9 dd 0
align 16
tss_g:
    dd 0, g_stack_top, SEL_DATA0, 0, 0, 0, 0, 0     ; link, ESP0, SS0, ESP1, SS1, ESP2, SS2, CR3
    dd 0, EFL_VM | IOPL3 | 0x2                      ; EIP (set below), EFLAGS
    dd 0, 0, 0, 0, 0xFFF0, 0, 0, 0                  ; EAX ECX EDX EBX ESP EBP ESI EDI
    dd V86_SEG, V86_SEG, V86_SEG, V86_ES, V86_FS, V86_GS ; ES CS SS DS FS GS
    dd 0
    dw 0, 104
    times 256 db 0
g_stack_top:

align 4
v86_saved_esp: dd 0
frame: times 9 dd 0
frame_vm: dd 0
handler_segs: dd -1
handler_segs2: dd -1
handler_cs: dd 0
echo_vm: dd 0
echo_es: dd 0
echo_ds: dd 0

; ---- 8086 code, copied to V86_BASE ----
bits 16
v86_code:
v86_iopl3:
    mov word [0x110], 0
    mov word [0x100], 0xBEEF
    mov word [es:0x10], 0x1234
    cli
    pushf
    pop ax
    mov [0x102], ax
    sti
    pushf
    pop ax
    mov [0x104], ax
    push word 0x0801                ; OF, CF set, IOPL 0 requested
    popf
    pushf
    pop ax
    mov [0x106], ax
    push word 0x0202
    popf
    mov ax, 0x1111
    int INT_ECHO
    mov [0x108], ax
    pushfd                          ; 32-bit image: VM and RF read as 0
    pop eax
    mov [0x10C], eax
    pushf                           ; IRET inside V86 with IOPL 3
    push cs
    push word IP_OF(v86_after_iret)
    iret
    mov byte [0x110], 0xEE
v86_after_iret:
    mov byte [0x111], 1
    call v86_scratch_io
v86_iopl3_exit:
    mov ah, 0xFF
    int INT_ECHO
v86_scratch_io:
    mov dx, SCRATCH
    mov al, 0x77
    out dx, al
    mov al, 0
    in al, dx
    mov [0x10A], al
    ret
v86_cli:
    cli
v86_sti:
    sti
v86_pushf:
    pushf
v86_popf:
    popf
v86_int:
    int INT_ECHO
v86_iret:
    iret
v86_task:
    mov word [es:0x120], 0x7A5C     ; ES = V86_SEG in this task: linear V86_BASE + 0x120
v86_task_int:
    int INT_TASK_OUT
v86_bp_start:
    nop
v86_bp_target:
    nop
    mov ah, 0xFF
    int INT_ECHO
v86_int3:
    mov ah, 0xFF
    int3
v86_int_low:
    int INT_LOW
v86_int_conf:
    int INT_CONF
v86_denied_io:
    in al, 0x80
    mov ah, 0xFF
    int INT_ECHO
v86_io_only:
    call v86_scratch_io
v86_exit_fault:
    hlt                             ; INT n would trap with IOPL 0: HLT (CPL 3) gives #GP(0) too
v86_code_end:
bits 32

%include "lib/end.inc"
