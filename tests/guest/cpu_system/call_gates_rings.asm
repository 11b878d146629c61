; Ring transitions through call gates: CPL 3 calls a 32-bit call gate with a parameter count of 2
; into a non-conforming CPL 0 segment (stack switch to SS0:ESP0, parameters copied, RETF 8 back to
; ring 3 releasing them on both stacks, data segments with DPL < CPL nulled on the way out) and
; into a conforming segment (CPL stays 3, no stack switch); #GP for a gate whose DPL < CPL; data
; segment load privilege checks; privileged instructions at CPL 3; INT n through interrupt and
; trap gates from CPL 3. LAR/LSL/VERR/VERW/ARPL are in segment_inspect.asm.
; Intel SDM vol. 3, 5.8 "Privilege Level Checking When Transferring Program Control", 5.10.
%include "lib/multiboot.inc"
%include "sys.inc"

SEL_CONF0   equ 0x30                ; conforming code, DPL 0
SEL_GATE_NC equ 0x38                ; call gate DPL 3 -> SEL_CODE0:gate_nc
SEL_GATE_C  equ 0x40                ; call gate DPL 3 -> SEL_CONF0:gate_c
SEL_GATE_D0 equ 0x48                ; call gate DPL 0
SEL_GATE_NP equ 0x68                ; call gate DPL 3, not present
SEL_GATE_CJ equ 0x78                ; call gate DPL 3 -> SEL_CONF0:gate_cj (for JMP)
INT_DPL0    equ 0x50                ; interrupt gate with DPL 0
INT_IGATE3  equ 0x53                ; interrupt gate with DPL 3
INT_TGATE3  equ 0x54                ; trap gate with DPL 3

; CALL_GATE sel, target selector, offset, DPL
%macro CALL_GATE 4
    mov eax, %3
    mov [sys_gdt + %1], ax
    mov word [sys_gdt + %1 + 2], %2
    mov byte [sys_gdt + %1 + 4], 2          ; parameter count
    mov byte [sys_gdt + %1 + 5], 0x8C | (%4 << 5)
    shr eax, 16
    mov [sys_gdt + %1 + 6], ax
%endmacro

test_main:
    call sys_init
    mov al, 0xFF                    ; no ISA interrupt while CPL 3 code runs with IF set
    out 0x21, al
    out 0xA1, al
    mov ecx, INT_IGATE3
    mov eax, int_record
    mov bx, SEL_CODE0
    mov dx, 0xEE00
    call set_gate
    mov ecx, INT_TGATE3
    mov dx, 0xEF00
    call set_gate
    DESC SEL_CONF0, 0, 0xFFFFF, 0xC9E
    CALL_GATE SEL_GATE_NC, SEL_CODE0, gate_nc, 3
    CALL_GATE SEL_GATE_C, SEL_CONF0, gate_c, 3
    CALL_GATE SEL_GATE_D0, SEL_CODE0, gate_nc, 0
    CALL_GATE SEL_GATE_NP, SEL_CODE0, gate_nc, 3
    CALL_GATE SEL_GATE_CJ, SEL_CONF0, gate_cj, 3
    and byte [sys_gdt + SEL_GATE_NP + 5], 0x7F
    mov ecx, INT_DPL0
    mov eax, gate_nc
    mov bx, SEL_CODE0
    mov dx, 0x8E00
    call set_gate

    ; ---- CPL 3 -> call gate -> non-conforming CPL 0 ----
    mov eax, r3_call_nc
    call call_ring3
    mov eax, [ring3_saved_esp]
    mov [expected_esp0], eax
    CHECK_EQ "gate to CPL 0: CS is the target's, RPL 0", [g_cs], SEL_CODE0
    CHECK_EQ "gate to CPL 0: SS from the TSS", [g_ss], SEL_DATA0
    mov eax, [expected_esp0]
    sub eax, 4 * 6                  ; EIP, CS, two parameters, ESP, SS
    CHECK_EQ "gate to CPL 0: ESP from ESP0 less the frame", [g_esp], eax
    CHECK_EQ "gate to CPL 0: return CS", [g_frame + 4], SEL_CODE3
    CHECK_EQ "gate to CPL 0: return EIP", [g_frame + 0], r3_nc_ret
    CHECK_EQ "gate to CPL 0: parameter 2 copied (nearest)", [g_frame + 8], 0x22222222
    CHECK_EQ "gate to CPL 0: parameter 1 copied", [g_frame + 12], 0x11111111
    CHECK_EQ "gate to CPL 0: caller SS", [g_frame + 20], SEL_DATA3
    mov eax, [r3_esp_before]
    sub eax, 8
    CHECK_EQ "gate to CPL 0: caller ESP (after the pushes)", [g_frame + 16], eax
    mov eax, [r3_esp_before]
    CHECK_EQ "RETF 8 to CPL 3: caller's parameters released", [r3_esp_after], eax
    CHECK_EQ "RETF 8 to CPL 3: CS", [r3_cs_after], SEL_CODE3
    CHECK_EQ "RETF 8 to CPL 3: SS", [r3_ss_after], SEL_DATA3
    CHECK_EQ "RETF to CPL 3: DS with DPL 0 nulled", [r3_ds_after], 0
    CHECK_EQ "RETF to CPL 3: ES with DPL 3 kept", [r3_es_after], SEL_DATA3

    ; ---- CPL 3 -> call gate -> conforming DPL 0: CPL stays 3, same stack ----
    mov eax, r3_call_c
    call call_ring3
    ; SDM CALL pseudo-code (call gate, same privilege): CS(RPL) <- CPL. QEMU 7.2 TCG leaves the
    ; RPL at 0 here (its CPL is still 3); this check follows the SDM.
    CHECK_EQ "gate to conforming: CS RPL is the CPL (3)", [g_cs], SEL_CONF0 | 3
    CHECK_EQ "gate to conforming: SS unchanged", [g_ss], SEL_DATA3
    mov eax, [r3_esp_before]
    sub eax, 16
    CHECK_EQ "gate to conforming: no stack switch", [g_esp], eax
    mov eax, [r3_esp_before]
    CHECK_EQ "gate to conforming: RETF 8 releases the parameters", [r3_esp_after], eax
    CHECK_EQ "gate to conforming: CS after RETF", [r3_cs_after], SEL_CODE3

    ; ---- gate with DPL 0 from CPL 3: #GP(gate selector) ----
    TRY .gp_gate
    mov eax, r3_call_d0
    call call_ring3
.gp_gate:
    CHECK_EQ "gate DPL < CPL: #GP", [exc_vector], 13
    CHECK_EQ "gate DPL < CPL: error code is the gate selector", [exc_error], SEL_GATE_D0
    CHECK_EQ "gate DPL < CPL: fault at the CALL", [exc_eip], r3_call_d0_insn

    ; ---- JMP through a call gate: only to the same privilege ----
    TRY .jmp_gate
    mov eax, r3_jmp_nc
    call call_ring3
.jmp_gate:
    CHECK_EQ "JMP through a gate to a more privileged segment: #GP", [exc_vector], 13
    CHECK_EQ "JMP through a gate: error code is the code selector", [exc_error], SEL_CODE0
    mov dword [g_cs], 0
    mov eax, r3_jmp_c
    call call_ring3
    CHECK_EQ "JMP through a gate to conforming code: CPL stays 3", [g_cs], SEL_CONF0 | 3

    ; ---- IRET to CPL 3 nulls FS (DPL 0 data) but keeps GS (conforming code) ----
    call .iret_to_r3
    CHECK_EQ "IRET to CPL 3: FS with a DPL 0 data segment nulled", [r3_fs], 0
    CHECK_EQ "IRET to CPL 3: GS with conforming code kept", [r3_gs], SEL_CONF0
    jmp .np
.iret_to_r3:
    pushad
    mov [ring3_saved_esp], esp
    mov [sys_tss0 + 4], esp
    mov ax, SEL_DATA3
    mov ds, ax
    mov es, ax
    mov ax, SEL_DATA0
    mov fs, ax
    mov ax, SEL_CONF0
    mov gs, ax
    push dword SEL_DATA3
    push dword ring3_stack_top
    push dword 2
    push dword SEL_CODE3
    push dword r3_segs
    iretd

.np:
    ; ---- INT n from CPL 3: interrupt gate clears IF, trap gate keeps it; both clear TF/NT ----
    mov dword [ring3_eflags], 0x4202 ; IF and NT set (NT is harmless: no IRET at CPL 3 here)
    mov eax, r3_int_igate
    call call_ring3
    CHECK_EQ "interrupt gate from CPL 3: IF, TF, NT cleared in the handler", [int_flags], 0
    CHECK_EQ "interrupt gate from CPL 3: pushed EFLAGS keeps IF and NT", [int_frame + 8], 0x4202
    CHECK_EQ "interrupt gate from CPL 3: pushed SS", [int_frame + 16], SEL_DATA3
    CHECK_EQ "interrupt gate from CPL 3: pushed ESP", [int_frame + 12], ring3_stack_top
    CHECK_EQ "interrupt gate from CPL 3: pushed CS", [int_frame + 4], SEL_CODE3
    mov eax, r3_int_tgate
    call call_ring3
    CHECK_EQ "trap gate from CPL 3: IF kept, NT cleared", [int_flags], 0x0200
    mov dword [ring3_eflags], 0x2

.np2:
    ; ---- not-present call gate: #NP(gate selector) ----
    TRY .np_gate
    mov eax, r3_call_np
    call call_ring3
.np_gate:
    CHECK_EQ "not-present call gate: #NP", [exc_vector], 11
    CHECK_EQ "not-present call gate: error code", [exc_error], SEL_GATE_NP

    ; ---- INT n from CPL 3 through a DPL 0 gate: #GP(vector * 8 + 2) ----
    TRY .int_gp
    mov eax, r3_int_dpl0
    call call_ring3
.int_gp:
    CHECK_EQ "INT n through a DPL 0 gate at CPL 3: #GP", [exc_vector], 13
    CHECK_EQ "INT n through a DPL 0 gate: error code (IDT bit)", [exc_error], INT_DPL0 * 8 + 2

    ; ---- CPL 3 loads SS with a null selector: #GP(0) ----
    TRY .ss_null
    mov eax, r3_ss_null
    call call_ring3
.ss_null:
    CHECK_EQ "CPL 3 loads a null SS: #GP", [exc_vector], 13
    CHECK_EQ "CPL 3 loads a null SS: error 0", [exc_error], 0

    ; ---- RETF to a more privileged level: #GP(return CS) ----
    TRY .retf_in
    mov eax, r3_retf_inward
    call call_ring3
.retf_in:
    CHECK_EQ "RETF from CPL 3 to CPL 0: #GP", [exc_vector], 13
    CHECK_EQ "RETF from CPL 3 to CPL 0: error code", [exc_error], SEL_CODE0

    ; ---- privileged instructions at CPL 3: #GP(0) ----
%macro PRIV_GP 2
    TRY %%f
    mov eax, %1
    call call_ring3
%%f:
    mov eax, [exc_vector]
    shl eax, 8
    or eax, [exc_error]
    CHECK_EQ %2, eax, 13 << 8
%endmacro
    PRIV_GP r3_mov_cr0, "MOV from CR0 at CPL 3: #GP(0)"
    PRIV_GP r3_lgdt, "LGDT at CPL 3: #GP(0)"
    PRIV_GP r3_hlt, "HLT at CPL 3: #GP(0)"
    PRIV_GP r3_mov_dr, "MOV to DR7 at CPL 3: #GP(0)"

    ; ---- data segment loads ----
    TRY .gp_ds3
    mov eax, r3_load_ds0
    call call_ring3
.gp_ds3:
    CHECK_EQ "CPL 3 loads DS with a DPL 0 selector: #GP", [exc_vector], 13
    CHECK_EQ "CPL 3 loads DS with DPL 0: error code", [exc_error], SEL_DATA0
    TRY .gp_rpl
    mov ax, SEL_DATA0 | 3           ; RPL 3 > DPL 0
    mov fs, ax
    mov dword [exc_vector], 0
.gp_rpl:
    mov ax, SEL_DATA0
    mov fs, ax
    CHECK_EQ "CPL 0 loads FS with RPL 3 > DPL 0: #GP", [exc_vector], 13
    CHECK_EQ "RPL > DPL: error code (RPL bits cleared)", [exc_error], SEL_DATA0
    TRY .gp_ss
    mov ax, SEL_DATA3               ; SS needs DPL = RPL = CPL
    mov ss, ax
    mov dword [exc_vector], 0
.gp_ss:
    mov ax, SEL_DATA0
    mov ss, ax
    CHECK_EQ "CPL 0 loads SS with DPL 3: #GP", [exc_vector], 13
    TRY .ok_ds
    mov ax, SEL_DATA3
    mov gs, ax
    mov dword [exc_vector], 0
.ok_ds:
    mov ax, SEL_DATA0
    mov gs, ax
    CHECK_EQ "CPL 0 loads GS with a DPL 3 selector: allowed", [exc_vector], 0
    ret

; ---- CPL 0 gate targets ----
gate_nc:
    mov [g_cs], cs
    mov [g_ss], ss
    mov [g_esp], esp
    mov esi, esp
    mov edi, g_frame
    mov ecx, 6
    rep movsd
    mov ax, SEL_DATA0               ; DS DPL 0: nulled by the RETF to CPL 3
    mov ds, ax
    retf 8

gate_c:
    mov [ss:g_cs], cs
    mov [ss:g_ss], ss
    mov [ss:g_esp], esp
    retf 8

gate_cj:
    mov [ss:g_cs], cs
    int RING0_VECTOR

; ---- CPL 3 code ----
r3_call_nc:
    push 0x11111111
    push 0x22222222
    mov [r3_esp_before], esp
    add dword [r3_esp_before], 8
    call SEL_GATE_NC:0
r3_nc_ret:
    mov [ss:r3_esp_after], esp
    mov [ss:r3_cs_after], cs
    mov [ss:r3_ss_after], ss
    mov [ss:r3_ds_after], ds
    mov [ss:r3_es_after], es
    int RING0_VECTOR

r3_call_c:
    push 0x11111111
    push 0x22222222
    mov [r3_esp_before], esp
    add dword [r3_esp_before], 8
    call SEL_GATE_C:0
    mov [r3_esp_after], esp
    mov [r3_cs_after], cs
    int RING0_VECTOR

r3_call_d0:
    push 1
    push 2
r3_call_d0_insn:
    call SEL_GATE_D0:0
    int RING0_VECTOR

r3_load_ds0:
    mov ax, SEL_DATA0
    mov ds, ax
    int RING0_VECTOR

r3_int_igate:
    int INT_IGATE3
r3_int_tgate:
    int INT_TGATE3

; INT_IGATE3 / INT_TGATE3: record the frame and the flags, then end the CPL 3 run
int_record:
    push eax
    pushfd
    pop eax
    and eax, 0x4300
    mov [ss:int_flags], eax
    pop eax
    push esi
    push edi
    push ecx
    push ds
    push es
    push ss
    pop ds
    push ss
    pop es
    lea esi, [esp + 20]
    mov edi, int_frame
    mov ecx, 5
    cld
    rep movsd
    pop es
    pop ds
    pop ecx
    pop edi
    pop esi
    jmp ring0_return

r3_mov_cr0:
    mov eax, cr0
    int RING0_VECTOR
r3_lgdt:
    lgdt [sys_gdt_pointer]
    int RING0_VECTOR
r3_hlt:
    hlt
    int RING0_VECTOR
r3_mov_dr:
    xor eax, eax
    mov dr7, eax
    int RING0_VECTOR
r3_jmp_nc:
    jmp SEL_GATE_NC:0
r3_jmp_c:
    jmp SEL_GATE_CJ:0
r3_segs:
    mov [r3_fs], fs
    mov [r3_gs], gs
    int RING0_VECTOR
r3_call_np:
    call SEL_GATE_NP:0
    int RING0_VECTOR
r3_int_dpl0:
    int INT_DPL0
    int RING0_VECTOR
r3_ss_null:
    xor eax, eax
    mov ss, ax
    int RING0_VECTOR
r3_retf_inward:
    push SEL_CODE0
    push r3_retf_inward
    retf
align 4
expected_esp0: dd 0
g_cs: dd 0
g_ss: dd 0
g_esp: dd 0
g_frame: times 6 dd 0
r3_esp_before: dd 0
r3_esp_after: dd 0
r3_cs_after: dd 0
r3_ss_after: dd 0
r3_ds_after: dd 0
r3_es_after: dd 0
r3_value: dd 0
int_flags: dd -1
int_frame: times 5 dd 0
r3_fs: dd 0
r3_gs: dd 0

%include "lib/end.inc"
