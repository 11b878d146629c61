; Fast system calls. In 32-bit protected mode: SYSENTER/SYSEXIT through IA32_SYSENTER_CS/ESP/EIP
; (ring 3 -> 0 -> 3, IF cleared by SYSENTER, selectors derived from SYSENTER_CS), #GP(0) for
; SYSEXIT at CPL 3 and for SYSENTER with SYSENTER_CS = 0. In long mode: SYSCALL #UD while
; EFER.SCE = 0, SYSCALL/SYSRET with STAR/LSTAR/SFMASK (RCX = return RIP, R11 = RFLAGS, RFLAGS
; masked, selectors from STAR), SYSRET at CPL 3 is #GP(0), SWAPGS with IA32_KERNEL_GS_BASE.
; Intel SDM vol. 2: SYSENTER, SYSEXIT, SYSCALL, SYSRET, SWAPGS; vol. 3, 5.8.7 and 5.8.8.
%include "lib/multiboot.inc"
%include "sys.inc"

MSR_SYSENTER_CS  equ 0x174
MSR_SYSENTER_ESP equ 0x175
MSR_SYSENTER_EIP equ 0x176
MSR_EFER        equ 0xC0000080
MSR_STAR        equ 0xC0000081
MSR_LSTAR       equ 0xC0000082
MSR_SFMASK      equ 0xC0000084
MSR_GS_BASE     equ 0xC0000101
MSR_KGS_BASE    equ 0xC0000102
; long-mode selectors in sys_gdt
LM_CODE64       equ 0x30                ; STAR[47:32]: SYSCALL CS, SS = +8
LM_DATA         equ 0x38
LM_USER_BASE    equ 0x40                ; STAR[63:48]: SYSRET SS = +8, 64-bit CS = +16
LM_DATA3        equ 0x48 | 3
LM_CODE64_3     equ 0x50 | 3
LM_TSS          equ 0x60
PML4            equ 0x300000
LM_IDT          equ 0x304000

%macro WRMSR32 2
    mov ecx, %1
    mov eax, %2
    xor edx, edx
    wrmsr
%endmacro

test_main:
    call sys_init
    mov al, 0xFF                        ; no ISA interrupt may arrive while IF is set at CPL 3
    out 0x21, al
    out 0xA1, al

    ; ---- SYSENTER / SYSEXIT ----
    WRMSR32 MSR_SYSENTER_CS, SEL_CODE0
    WRMSR32 MSR_SYSENTER_ESP, sysenter_stack_top
    WRMSR32 MSR_SYSENTER_EIP, sysenter_entry
    mov dword [ring3_eflags], 0x202
    mov eax, r3_sysenter
    call call_ring3
    CHECK_EQ "SYSENTER: CS from SYSENTER_CS", [se_cs], SEL_CODE0
    CHECK_EQ "SYSENTER: SS = SYSENTER_CS + 8", [se_ss], SEL_DATA0
    CHECK_EQ "SYSENTER: ESP from SYSENTER_ESP", [se_esp], sysenter_stack_top
    mov eax, [se_eflags]
    and eax, 0x200
    CHECK_EQ "SYSENTER: IF cleared", eax, 0
    CHECK_EQ "SYSEXIT: CS = SYSENTER_CS + 16, RPL 3", [r3_cs], SEL_CODE3
    CHECK_EQ "SYSEXIT: SS = SYSENTER_CS + 24, RPL 3", [r3_ss], SEL_DATA3
    CHECK_EQ "SYSEXIT: ESP from ECX", [r3_esp], ring3_stack_top - 64
    CHECK_EQ "SYSEXIT: EIP from EDX", [ring0_return_eip], r3_sysexit_done + 2

    TRY .gp_sysexit
    mov eax, r3_sysexit
    call call_ring3
.gp_sysexit:
    CHECK_EQ "SYSEXIT at CPL 3: #GP", [exc_vector], 13
    CHECK_EQ "SYSEXIT at CPL 3: error 0", [exc_error], 0
    WRMSR32 MSR_SYSENTER_CS, 0
    TRY .gp_sysenter
    mov eax, r3_sysenter
    call call_ring3
.gp_sysenter:
    CHECK_EQ "SYSENTER with SYSENTER_CS = 0: #GP", [exc_vector], 13
    CHECK_EQ "SYSENTER with SYSENTER_CS = 0: error 0", [exc_error], 0
    mov dword [ring3_eflags], 0x2

    ; ---- into long mode: identity map 1 GiB with 2 MiB pages, user-accessible ----
    mov edi, PML4
    mov ecx, 3 * 1024
    xor eax, eax
    rep stosd
    mov dword [PML4], PML4 + 0x1007
    mov dword [PML4 + 0x1000], PML4 + 0x2007
    mov edi, PML4 + 0x2000
    mov eax, 0x87
    mov ecx, 512
.pd:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .pd
    DESC LM_CODE64, 0, 0xFFFFF, 0xA9A
    DESC LM_DATA, 0, 0xFFFFF, 0xC92
    DESC LM_USER_BASE, 0, 0xFFFFF, 0xCFA
    DESC LM_DATA3, 0, 0xFFFFF, 0xCF2
    DESC LM_CODE64_3, 0, 0xFFFFF, 0xAFA
    DESC LM_TSS, tss64, 103, 0x89       ; 16-byte descriptor: the upper 8 bytes stay zero
    mov eax, cr4
    or eax, 1 << 5                      ; PAE
    mov cr4, eax
    mov eax, PML4
    mov cr3, eax
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1 << 8                      ; LME
    and eax, ~1                         ; SCE off for the #UD check
    wrmsr
    mov eax, cr0
    or eax, 1 << 31
    mov cr0, eax
    jmp LM_CODE64:long_main
back32:
    ; compatibility mode (CS = SEL_CODE0, 32-bit) under the 64-bit IDT: report
    CHECK_EQ "SYSCALL with EFER.SCE = 0: #UD", [lm_ud_vec], 6
    CHECK_EQ "SYSCALL: entered at LSTAR", [sc_ran], 1
    CHECK_EQ "SYSCALL: RCX = return RIP (low)", [sc_rcx], r3_syscall_ret
    CHECK_EQ "SYSCALL: RCX = return RIP (high)", [sc_rcx + 4], 0
    CHECK_EQ "SYSCALL: R11 = RFLAGS (CF, DF, IF)", [sc_r11], 0x603
    CHECK_EQ "SYSCALL: RFLAGS masked by SFMASK", [sc_rflags], 0x002
    CHECK_EQ "SYSCALL: CS = STAR[47:32]", [sc_cs], LM_CODE64
    CHECK_EQ "SYSCALL: SS = STAR[47:32] + 8", [sc_ss], LM_DATA
    CHECK_EQ "SYSCALL: RSP unchanged", [sc_rsp], lm_user_stack_top
    CHECK_EQ "SYSRET: CS = STAR[63:48] + 16, RPL 3", [sr_cs], LM_CODE64_3
    CHECK_EQ "SYSRET: SS = STAR[63:48] + 8, RPL 3", [sr_ss], LM_DATA3
    CHECK_EQ "SYSRET: RFLAGS from R11 (RF and reserved bits dropped)", [sr_rflags], 0x603
    CHECK_EQ "SYSRET: RAX preserved across the call", [sr_rax], 0x5CA11
    CHECK_EQ "SYSRET at CPL 3: #GP", [lm_gp_vec], 13
    CHECK_EQ "SYSRET at CPL 3: error 0", [lm_gp_err], 0
    CHECK_EQ "SWAPGS: GS base now the old KERNEL_GS_BASE", [swap_gs_base], gs_area_b
    CHECK_EQ "SWAPGS: KERNEL_GS_BASE now the old GS base", [swap_kgs_base], gs_area_a
    CHECK_EQ "SWAPGS: GS-relative load uses the new base", [swap_load], 0xB0B0B0B0
    CHECK_EQ "SWAPGS twice: back to the first base", [swap_load2], 0xA0A0A0A0
    CHECK_EQ "SWAPGS at CPL 3: #GP", [lm_gp2_vec], 13
    CHECK_EQ "32-bit SYSRET: CS = STAR[63:48], RPL 3 (compatibility mode)", [cm_cs], LM_USER_BASE | 3
    CHECK_EQ "32-bit SYSRET: SS = STAR[63:48] + 8", [cm_ss], LM_DATA3
    CHECK_EQ "32-bit SYSRET: 32-bit code runs at ECX", [cm_eip], r3_compat.here
    CHECK_EQ "SWAPGS in compatibility mode: #UD", [lm_cm_swapgs_vec], 6
    CHECK_EQ "64-bit IST: RSP = IST1 less the 40-byte frame", [ist_rsp], ist1_top - 40
    mov eax, [rsp0_used]
    and eax, ~0xF
    sub eax, 40
    CHECK_EQ "64-bit CPL 3 -> 0: RSP0 aligned down to 16, then the frame", [probe_rsp], eax
    CHECK_EQ "64-bit CPL 3 -> 0: user RSP in the frame", [probe_user_rsp], lm_user_stack_top
    CHECK_EQ "no unexpected exception in long mode", [lm_unexpected_count], 0
    ret

; ---- 32-bit ring 0 / ring 3 pieces ----
sysenter_entry:
    mov [se_cs], cs
    mov [se_ss], ss
    mov [se_esp], esp
    pushfd
    pop dword [se_eflags]
    sysexit                             ; ECX and EDX still hold the caller's values
r3_sysenter:
    sub esp, 64
    mov ecx, esp
    mov edx, r3_after_sysexit
    sysenter
r3_after_sysexit:
    mov [r3_cs], cs
    mov [r3_ss], ss
    mov [r3_esp], esp
r3_sysexit_done:
    int RING0_VECTOR
r3_sysexit:
    sysexit

; ---- 64-bit code ----
bits 64
%macro LM_TRY 1
    mov qword [lm_resume], %1
    mov [lm_resume_rsp], rsp
%endmacro

long_main:
    mov ax, SEL_DATA0
    mov ss, ax
    mov [lm_rsp0], rsp
    ; IDT: every vector unexpected, then #UD, #GP and the DPL 3 return gate
    xor ecx, ecx
.fill:
    mov rax, lm_unexpected
    mov edx, 0x8E00
    call lm_set_gate
    inc ecx
    cmp ecx, 256
    jb .fill
    mov ecx, 6
    mov rax, lm_ud
    call lm_set_gate
    mov ecx, 13
    mov rax, lm_gp
    call lm_set_gate
    mov ecx, RING0_VECTOR
    mov rax, lm_ring0_return
    mov edx, 0xEE00
    call lm_set_gate
    mov ecx, 0x45
    mov rax, lm_rsp_probe
    mov edx, 0x8E01                     ; IST 1
    call lm_set_gate
    mov ecx, 0x46
    mov rax, lm_rsp_probe
    mov edx, 0xEE00                     ; DPL 3, no IST
    call lm_set_gate
    lidt [lm_idt_pointer]
    mov ax, LM_TSS
    ltr ax

    ; IST: a same-privilege interrupt through a gate with IST 1 switches to IST1
    mov qword [tss64 + 0x24], ist1_top
    int 0x45
    mov rax, [probe_rsp]
    mov [ist_rsp], eax
    ; CPL 3 -> 0 without IST: RSP0 aligned down to 16 before the 40-byte frame
    mov qword [lm_resume], .after_align
    mov [lm_r3_saved_rsp], rsp
    mov rax, rsp
    sub rax, 0x108                      ; RSP0 = ...8: not 16-byte aligned
    mov [tss64 + 4], rax
    mov [rsp0_used], eax
    push LM_DATA3
    push lm_user_stack_top
    push 2
    push LM_CODE64_3
    push r3_int46
    iretq
.after_align:
    mov rsp, [lm_r3_saved_rsp]

    ; SYSCALL with SCE = 0
    LM_TRY .ud_done
    syscall
.ud_done:
    ; enable SYSCALL
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1
    wrmsr
    mov ecx, MSR_STAR
    xor eax, eax
    mov edx, (LM_USER_BASE << 16) | LM_CODE64
    wrmsr
    mov ecx, MSR_LSTAR
    mov eax, syscall_entry
    xor edx, edx
    wrmsr
    mov ecx, MSR_SFMASK
    mov eax, 0x601                      ; IF, DF, CF
    wrmsr
    mov rax, r3_syscall
    mov ebx, 0x202
    call lm_call_ring3
    ; 32-bit SYSRET into compatibility mode (SYSCALL from there is #UD on Intel but reaches
    ; CSTAR on AMD, so it is not exercised)
    mov rax, r3_to_compat
    mov ebx, 0x2
    call lm_call_ring3

    LM_TRY .gp_done
    mov rax, r3_sysret
    mov ebx, 0x2
    call lm_call_ring3
.gp_done:
    mov eax, [lm_vec]
    mov [lm_gp_vec], eax
    mov eax, [lm_err]
    mov [lm_gp_err], eax

    ; SWAPGS
    mov ecx, MSR_GS_BASE
    mov eax, gs_area_a
    xor edx, edx
    wrmsr
    mov ecx, MSR_KGS_BASE
    mov eax, gs_area_b
    wrmsr
    swapgs
    mov eax, [gs:0]
    mov [swap_load], eax
    mov ecx, MSR_GS_BASE
    rdmsr
    mov [swap_gs_base], eax
    mov ecx, MSR_KGS_BASE
    rdmsr
    mov [swap_kgs_base], eax
    swapgs
    mov eax, [gs:0]
    mov [swap_load2], eax
    mov dword [lm_vec], 0
    LM_TRY .gp2_done
    mov rax, r3_swapgs
    mov ebx, 0x2
    call lm_call_ring3
.gp2_done:
    mov eax, [lm_vec]
    mov [lm_gp2_vec], eax

    ; SWAPGS in compatibility mode is #UD
    mov dword [lm_vec], 0
    LM_TRY .cm_swapgs_done
    push SEL_CODE0
    push cm_swapgs
    o64 retf
.cm_swapgs_done:
    mov eax, [lm_vec]
    mov [lm_cm_swapgs_vec], eax

lm_leave:
    mov rsp, [lm_rsp0]
    mov ax, SEL_DATA0                   ; the IRETQs to CPL 3 nulled DS and ES (DPL 0 < CPL 3):
    mov ss, ax                          ; compatibility mode needs them back
    mov ds, ax
    mov es, ax
    push SEL_CODE0
    push back32
    o64 retf

; ecx = vector, rax = handler, dx = type/attributes
lm_set_gate:
    mov rdi, rcx
    shl rdi, 4
    add rdi, LM_IDT
    mov [rdi], ax
    mov word [rdi + 2], LM_CODE64
    mov [rdi + 4], dx
    shr rax, 16
    mov [rdi + 6], ax
    shr rax, 16
    mov [rdi + 8], eax
    mov dword [rdi + 12], 0
    ret

; rax = CPL 3 entry (64-bit), ebx = RFLAGS; returns when the code does INT RING0_VECTOR
lm_call_ring3:
    mov [lm_r3_saved_rsp], rsp
    mov [tss64 + 4], rsp
    push LM_DATA3
    push lm_user_stack_top
    push rbx
    push LM_CODE64_3
    push rax
    iretq

lm_rsp_probe:
    mov [probe_rsp], rsp
    mov rax, [rsp + 8]
    cmp ax, LM_CODE64_3
    jne .same
    mov eax, [rsp + 24]
    mov [probe_user_rsp], eax
    jmp [lm_resume]
.same:
    iretq
r3_int46:
    int 0x46

lm_ring0_return:
    mov rsp, [lm_r3_saved_rsp]
    ret

lm_ud:
    mov dword [lm_vec], 6
    mov dword [lm_ud_vec], 6
    jmp lm_catch
lm_gp:
    pop rax
    mov [lm_err], eax
    mov dword [lm_vec], 13
lm_catch:
    mov rsp, [lm_resume_rsp]
    jmp [lm_resume]
lm_unexpected:
    inc dword [lm_unexpected_count]
    jmp lm_leave

syscall_entry:
    cmp eax, 0x32
    jne .normal
    mov ecx, r3_compat
    sysret                              ; no REX.W: return to compatibility mode
.normal:
    inc dword [sc_ran]
    mov [sc_rcx], rcx
    mov [sc_r11], r11
    mov [sc_rsp], rsp
    mov [sc_cs], cs
    mov [sc_ss], ss
    pushfq
    pop qword [sc_rflags]
    or r11, 0x10008                     ; RF and reserved bit 3: SYSRET drops both
    o64 sysret

r3_syscall:
    mov eax, 0x5CA11
    stc
    std
    syscall
r3_syscall_ret:
    mov [sr_rax], eax
    mov [sr_cs], cs
    mov [sr_ss], ss
    pushfq
    pop qword [sr_rflags]
    cld
    int RING0_VECTOR
r3_to_compat:
    mov eax, 0x32
    syscall
    int RING0_VECTOR                    ; not reached
bits 32
r3_compat:
    mov ax, LM_DATA3                    ; SYSRET loads only CS and SS
    mov ds, ax
    mov es, ax
    mov [cm_cs], cs
    mov [cm_ss], ss
    call .here
.here:
    pop eax
    mov [cm_eip], eax
    int RING0_VECTOR
bits 64
bits 32
cm_swapgs:
    db 0x0F, 0x01, 0xF8                 ; SWAPGS (NASM refuses it in 32-bit code)
    mov dword [lm_vec], 0xEE
    jmp LM_CODE64:long_main.cm_swapgs_done
bits 64
r3_sysret:
    o64 sysret
    int RING0_VECTOR
r3_swapgs:
    swapgs
    int RING0_VECTOR
bits 32

align 8
lm_resume: dq 0
lm_resume_rsp: dq 0
lm_rsp0: dq 0
lm_r3_saved_rsp: dq 0
sc_rcx: dq -1
sc_r11: dq -1
sc_rflags: dq -1
sc_rsp: dq -1
sr_rflags: dq -1
sc_cs: dd 0
sc_ss: dd 0
sc_ran: dd 0
sr_cs: dd 0
sr_ss: dd 0
sr_rax: dd 0
cm_cs: dd 0
cm_ss: dd 0
cm_eip: dd 0
lm_vec: dd 0
probe_rsp: dq 0
probe_user_rsp: dd 0
ist_rsp: dd 0
rsp0_used: dd 0
lm_cm_swapgs_vec: dd 0
lm_err: dd -1
lm_ud_vec: dd 0
lm_gp_vec: dd 0
lm_gp_err: dd -1
lm_gp2_vec: dd 0
lm_unexpected_count: dd 0
swap_gs_base: dd 0
swap_kgs_base: dd 0
swap_load: dd 0
swap_load2: dd 0
se_cs: dd 0
se_ss: dd 0
se_esp: dd 0
se_eflags: dd 0
r3_cs: dd 0
r3_ss: dd 0
r3_esp: dd 0
gs_area_a: dd 0xA0A0A0A0
gs_area_b: dd 0xB0B0B0B0
lm_idt_pointer:
    dw 256 * 16 - 1
    dq LM_IDT
align 16
tss64:
    times 102 db 0
    dw 104
    times 256 db 0
sysenter_stack_top:
    times 256 db 0
    align 16, db 0
ist1_top:
    times 256 db 0
lm_user_stack_top:

%include "lib/end.inc"
