; Protected-mode exceptions: each fault reaches its vector with the SDM's error code and the
; faulting (or, for traps, the next) EIP. Intel SDM vol. 3, 6.15 "Exception and Interrupt
; Reference", 6.13 "Error Code", 6.9 "Priority Among Simultaneous Exceptions and Interrupts".
%include "lib/multiboot.inc"
%include "pm_exc.inc"

PAGE_DIR    equ 0x200000
PAGE_TABLE  equ 0x201000
CROSS_PAGE  equ 0x300000        ; mapped; the page after it is not present

test_main:
    call exc_setup

    ; #DE: divide by zero is a fault (EIP of the DIV).
    call exc_clear
    TRY .de_done
    xor edx, edx
    mov eax, 1
    xor ecx, ecx
.de_insn:
    div ecx
.de_done:
    CHECK_EQ "#DE vector", [exc_vector], 0
    CHECK_EQ "#DE eip is the div", [exc_eip], .de_insn

    ; #UD: ud2.
    call exc_clear
    TRY .ud_done
.ud_insn:
    ud2
.ud_done:
    CHECK_EQ "#UD vector", [exc_vector], 6
    CHECK_EQ "#UD eip is the ud2", [exc_eip], .ud_insn

    ; #BP: int3 is a trap; the saved EIP is the next instruction and the handler returns there.
    call exc_clear
    int3
.bp_next:
    CHECK_EQ "#BP vector", [exc_vector], 3
    CHECK_EQ "#BP eip after int3", [exc_eip], .bp_next
    CHECK_EQ "#BP cs", [exc_cs], SEL_CODE32

    ; #OF: into with OF set traps; with OF clear nothing happens.
    call exc_clear
    xor eax, eax
    into
    CHECK_EQ "into with OF clear does nothing", [exc_count], 0
    mov al, 0x7F
    add al, 1                   ; OF = 1
    into
.of_next:
    CHECK_EQ "#OF vector", [exc_vector], 4
    CHECK_EQ "#OF eip after into", [exc_eip], .of_next

    ; #BR: bound with the index outside [lower, upper] is a fault.
    call exc_clear
    mov eax, 5
    bound eax, [bounds]         ; inside: no fault
    CHECK_EQ "bound in range does nothing", [exc_count], 0
    TRY .br_done
    mov eax, 11
.br_insn:
    bound eax, [bounds]
.br_done:
    CHECK_EQ "#BR vector", [exc_vector], 5
    CHECK_EQ "#BR eip is the bound", [exc_eip], .br_insn

    ; #GP: a selector beyond the GDT limit loaded into DS; the error code is the selector.
    call exc_clear
    TRY .gp1_done
    mov ax, 0x1000
    mov ds, ax
.gp1_done:
    CHECK_EQ "#GP vector (selector past GDT limit)", [exc_vector], 13
    CHECK_EQ "#GP error code is the selector", [exc_error], 0x1000
    ; A system descriptor (the TSS) loaded into DS: #GP(selector).
    call exc_clear
    TRY .gp2_done
    mov ax, SEL_TSS
    mov ds, ax
.gp2_done:
    CHECK_EQ "#GP loading a system segment into DS", [exc_error], SEL_TSS
    ; Far jump to the null selector: #GP(0).
    call exc_clear
    TRY .gp3_done
.gp3_insn:
    jmp 0x0000:0x1234
.gp3_done:
    CHECK_EQ "#GP vector (far jmp to null)", [exc_vector], 13
    CHECK_EQ "#GP(0) for a null code selector", [exc_error], 0
    CHECK_EQ "#GP eip is the far jmp", [exc_eip], .gp3_insn
    ; #NP: a not-present data segment loaded into DS.
    call exc_clear
    TRY .np_done
    mov ax, SEL_NP_DATA
    mov ds, ax
.np_done:
    CHECK_EQ "#NP vector", [exc_vector], 11
    CHECK_EQ "#NP error code is the selector", [exc_error], SEL_NP_DATA

    ; #SS: a not-present segment loaded into SS is #SS(selector), not #NP.
    call exc_clear
    TRY .ss1_done
    mov ax, SEL_NP_DATA
    mov ss, ax
.ss1_done:
    CHECK_EQ "#SS vector (not-present SS)", [exc_vector], 12
    CHECK_EQ "#SS error code is the selector", [exc_error], SEL_NP_DATA
    ; INT n beyond the IDT limit: #GP with the IDT flag, error = vector * 8 + 2.
    call exc_clear
    TRY .idt_limit_done
    int 0x40
.idt_limit_done:
    CHECK_EQ "int beyond the IDT limit: #GP", [exc_vector], 13
    CHECK_EQ "int beyond the IDT limit: error IDT|vector", [exc_error], 0x40 * 8 + 2
    ; INT n to a not-present gate: #NP with the IDT flag.
    call exc_clear
    and byte [exc_idt + 0x1F * 8 + 5], 0x7F
    TRY .np_gate_done
    int 0x1F
.np_gate_done:
    or byte [exc_idt + 0x1F * 8 + 5], 0x80
    CHECK_EQ "int to a not-present gate: #NP", [exc_vector], 11
    CHECK_EQ "int to a not-present gate: error IDT|vector", [exc_error], 0x1F * 8 + 2
    ; INT n from CPL 3 to a DPL-0 gate: #GP(vector * 8 + 2).
    call exc_clear
    and byte [exc_idt + 0x1E * 8 + 5], ~0x60
    TRY .dpl_done
    push dword SEL_UDATA32
    push dword user_stack_top
    push dword 0x2
    push dword SEL_UCODE32
    push dword .dpl_user
    iretd
.dpl_user:
    int 0x1E
    ud2
.dpl_done:
    or byte [exc_idt + 0x1E * 8 + 5], 0x60
    CHECK_EQ "int from CPL 3 to a DPL-0 gate: #GP", [exc_vector], 13
    CHECK_EQ "int from CPL 3 to a DPL-0 gate: error IDT|vector", [exc_error], 0x1E * 8 + 2
    CHECK_EQ "int from CPL 3: fault raised in ring 3", [exc_cs], SEL_UCODE32
    ; INT3 from CPL 3 through the DPL-3 gate is allowed.
    call exc_clear
    TRY .bp3_done
    push dword SEL_UDATA32
    push dword user_stack_top
    push dword 0x2
    push dword SEL_UCODE32
    push dword .bp3_user
    iretd
.bp3_user:
    int3
.bp3_next:
    ud2
.bp3_done:
    CHECK_EQ "int3 at CPL 3 through a DPL-3 gate: #BP", [exc_vector], 3
    CHECK_EQ "int3 at CPL 3: saved EIP after it", [exc_eip], .bp3_next
    CHECK_EQ "int3 at CPL 3: saved CS is ring 3", [exc_cs], SEL_UCODE32

    ; #DF: #GP whose gate is not present raises #NP on the IDT entry (contributory after
    ; contributory), which becomes a double fault with error code 0.
    call exc_clear
    and byte [exc_idt + 13 * 8 + 5], 0x7F
    TRY .df_done
    jmp 0x0000:0x1234
.df_done:
    or byte [exc_idt + 13 * 8 + 5], 0x80
    CHECK_EQ "#DF vector", [exc_vector], 8
    CHECK_EQ "#DF error code 0", [exc_error], 0
    ; With only the #GP gate missing, an #UD is delivered normally: no #DF.
    call exc_clear
    and byte [exc_idt + 13 * 8 + 5], 0x7F
    TRY .df2_done
    ud2
.df2_done:
    or byte [exc_idt + 13 * 8 + 5], 0x80
    CHECK_EQ "unrelated #UD still delivered", [exc_vector], 6

    ; A fault in a 16-bit protected-mode code segment (base 0xFFFF0) through a 32-bit gate:
    ; the frame holds that CS and the 16-bit offset of the faulting instruction.
    call exc_clear
    TRY .pm16_done
    jmp SEL_CODE16:(.pm16_code - mb_header + 0x10)
bits 16
.pm16_code:
    mov ax, 0x1234
.pm16_ud:
    ud2
bits 32
.pm16_done:
    CHECK_EQ "16-bit segment #UD: vector", [exc_vector], 6
    CHECK_EQ "16-bit segment #UD: CS", [exc_cs], SEL_CODE16
    CHECK_EQ "16-bit segment #UD: offset", [exc_eip], .pm16_ud - mb_header + 0x10

    ; Page-crossing instruction: ud2 whose second byte lies on a not-present page. The fetch
    ; fault wins over the decode fault: #PF with CR2 = the second page, EIP = the ud2.
    call paging_on
    mov word [CROSS_PAGE + 0xFFE], 0x0F90       ; nop; first byte of ud2 (0x0F) at 0xFFF
    call exc_clear
    TRY .cross_done
    mov eax, CROSS_PAGE + 0xFFE
    jmp eax
.cross_done:
    call paging_off
    CHECK_EQ "page-crossing ud2: #PF vector", [exc_vector], 14
    CHECK_EQ "page-crossing ud2: CR2 = next page", [exc_cr2], CROSS_PAGE + 0x1000
    CHECK_EQ "page-crossing ud2: eip = the ud2", [exc_eip], CROSS_PAGE + 0xFFF
    CHECK_EQ "page-crossing ud2: error code (not present, read)", [exc_error], 0
    ; The same bytes with the page present: #UD.
    mov byte [CROSS_PAGE + 0x1000], 0x0B        ; written with paging off
    call paging_on
    or dword [PAGE_TABLE + ((CROSS_PAGE + 0x1000) >> 12 & 0x3FF) * 4], 1
    invlpg [CROSS_PAGE + 0x1000]
    call exc_clear
    TRY .cross2_done
    mov eax, CROSS_PAGE + 0xFFE
    jmp eax
.cross2_done:
    call paging_off
    CHECK_EQ "page-crossing ud2 mapped: #UD", [exc_vector], 6
    CHECK_EQ "page-crossing ud2 mapped: eip", [exc_eip], CROSS_PAGE + 0xFFF
    ret

; Identity-maps the first 4 MiB with 4 KiB pages, except CROSS_PAGE + 4 KiB (not present).
paging_on:
    mov edi, PAGE_TABLE
    mov eax, 0x003              ; present, writable
    mov ecx, 1024
.pte:
    stosd
    add eax, 0x1000
    loop .pte
    and dword [PAGE_TABLE + ((CROSS_PAGE + 0x1000) >> 12 & 0x3FF) * 4], ~1
    mov edi, PAGE_DIR
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PAGE_DIR], PAGE_TABLE | 3
    mov eax, PAGE_DIR
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

paging_off:
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

align 8
bounds:     dd 0, 10            ; bound's lower and upper limit
align 16
            times 1024 db 0
user_stack_top:

%include "lib/end.inc"
