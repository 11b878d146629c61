; Descriptor inspection and limits at CPL 3: LAR, LSL, VERR, VERW and ARPL results and ZF for
; data, code (readable, execute-only, conforming), call gates, TSSs, null and out-of-table
; selectors; an expand-down data segment. Intel SDM vol. 2: LAR, LSL, VERR/VERW, ARPL; vol. 3,
; 5.3 "Limit Checking", 5.10.
; QEMU 7.2 TCG does not enforce the expand-down limit (two checks); they follow the SDM.
%include "lib/multiboot.inc"
%include "sys.inc"

SEL_CONF0   equ 0x30                ; conforming code, DPL 0
SEL_GATE_NC equ 0x38                ; call gate DPL 3 -> SEL_CODE0:gate_nc
SEL_GATE_C  equ 0x40                ; call gate DPL 3 -> SEL_CONF0:gate_c
SEL_GATE_D0 equ 0x48                ; call gate DPL 0
SEL_SMALL3  equ 0x50 | 3            ; data, DPL 3, byte-granular limit 0xFFF
SEL_XONLY3  equ 0x58 | 3            ; execute-only code, DPL 3
SEL_RONLY3  equ 0x60 | 3            ; read-only data, DPL 3
SEL_GATE_NP equ 0x68                ; call gate DPL 3, not present
SEL_EXPDN3  equ 0x70 | 3            ; expand-down data, DPL 3, limit 0xFFF (valid 0x1000..4G-1)
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
    xor eax, eax                    ; an explicitly null LDT (the reset LDTR cache is base 0,
    lldt ax                         ; limit 0xFFFF and would make TI = 1 selectors "valid")
    DESC SEL_CONF0, 0, 0xFFFFF, 0xC9E
    DESC SEL_SMALL3, 0, 0xFFF, 0x4F2
    DESC SEL_XONLY3, 0, 0xFFFFF, 0xCF8
    DESC SEL_RONLY3, 0, 0xFFFFF, 0xCF0
    DESC SEL_EXPDN3, 0, 0xFFF, 0x4F6
    CALL_GATE SEL_GATE_NC, SEL_CODE0, gate_nc, 3

    ; ---- expand-down data: offsets at or below the limit fault ----
    mov dword [r3_value], 0
    TRY .expdn
    mov eax, r3_expand_down
    call call_ring3
.expdn:
    CHECK_EQ "expand-down: offset above the limit is accessible", [r3_value], 1
    CHECK_EQ "expand-down: offset at the limit faults (#GP)", [exc_vector], 13

    ; ---- LAR / LSL / VERR / VERW / ARPL at CPL 3 ----
    mov eax, r3_inspect
    call call_ring3
    CHECK_EQ "LAR DPL 3 data: ZF", [zf + 0], 1
    mov eax, [lar_data3]
    and eax, 0x00F0FF00
    CHECK_EQ "LAR DPL 3 data: access rights (accessed by the DS load)", eax, 0x00C0F300
    CHECK_EQ "LAR DPL 0 data at CPL 3: ZF clear", [zf + 4], 0
    CHECK_EQ "LAR null selector: ZF clear", [zf + 8], 0
    CHECK_EQ "LAR call gate DPL 3: ZF", [zf + 12], 1
    mov eax, [lar_gate]
    and eax, 0x0000FF00
    CHECK_EQ "LAR call gate: type and DPL", eax, 0x0000EC00
    CHECK_EQ "LSL byte-granular: ZF", [zf + 16], 1
    CHECK_EQ "LSL byte-granular: limit", [lsl_small], 0xFFF
    CHECK_EQ "LSL page-granular flat: limit", [lsl_flat], 0xFFFFFFFF
    CHECK_EQ "LSL call gate: ZF clear", [zf + 20], 0
    CHECK_EQ "VERR readable code: ZF", [zf + 24], 1
    CHECK_EQ "VERR execute-only code: ZF clear", [zf + 28], 0
    CHECK_EQ "VERW writable data: ZF", [zf + 32], 1
    CHECK_EQ "VERW read-only data: ZF clear", [zf + 36], 0
    CHECK_EQ "VERW code: ZF clear", [zf + 40], 0
    CHECK_EQ "VERR DPL 0 data at CPL 3: ZF clear", [zf + 44], 0
    CHECK_EQ "ARPL raises RPL: ZF", [zf + 48], 1
    CHECK_EQ "ARPL raises RPL: result", [arpl_1], SEL_DATA0 | 3
    CHECK_EQ "LAR with TI = 1 and a null LDT: ZF clear", [zf + 52], 0
    CHECK_EQ "ARPL no change: result", [arpl_2], SEL_DATA3
    CHECK_EQ "VERR conforming DPL 0 code at CPL 3: ZF", [zf + 56], 1
    CHECK_EQ "LSL expand-down: the limit field", [lsl_expdn], 0xFFF
    CHECK_EQ "ARPL no change: ZF clear", [zf + 64], 0
    CHECK_EQ "LSL beyond the GDT limit: ZF clear", [zf + 60], 0
    ; at CPL 0: LAR and LSL on the busy TSS
    mov ecx, SEL_TSS0
    lar eax, ecx
    setz dl
    and eax, 0x0000FF00
    CHECK_EQ "LAR busy TSS: type 0xB, present", eax, 0x00008B00
    movzx edx, dl
    CHECK_EQ "LAR busy TSS: ZF", edx, 1
    mov ecx, SEL_TSS0
    lsl eax, ecx
    CHECK_EQ "LSL TSS: limit", eax, TSS_IOMAP + 8192
    ret

gate_nc:                            ; never called: LAR only looks at the gate
    ret

%macro SAVE_ZF 1
    setz dl
    movzx edx, dl
    mov [zf + %1 * 4], edx
%endmacro
r3_inspect:
    mov ecx, SEL_DATA3
    lar eax, ecx
    SAVE_ZF 0
    mov [lar_data3], eax
    mov ecx, SEL_DATA0
    lar eax, ecx
    SAVE_ZF 1
    xor ecx, ecx
    lar eax, ecx
    SAVE_ZF 2
    mov ecx, SEL_GATE_NC | 3
    lar eax, ecx
    SAVE_ZF 3
    mov [lar_gate], eax
    mov ecx, SEL_SMALL3
    lsl eax, ecx
    SAVE_ZF 4
    mov [lsl_small], eax
    mov ecx, SEL_DATA3
    lsl eax, ecx
    mov [lsl_flat], eax
    mov ecx, SEL_GATE_NC | 3
    lsl eax, ecx
    SAVE_ZF 5
    mov ax, SEL_CODE3
    verr ax
    SAVE_ZF 6
    mov ax, SEL_XONLY3
    verr ax
    SAVE_ZF 7
    mov ax, SEL_DATA3
    verw ax
    SAVE_ZF 8
    mov ax, SEL_RONLY3
    verw ax
    SAVE_ZF 9
    mov ax, SEL_CODE3
    verw ax
    SAVE_ZF 10
    mov ax, SEL_DATA0
    verr ax
    SAVE_ZF 11
    mov ax, SEL_DATA0
    mov bx, SEL_DATA3
    arpl ax, bx
    SAVE_ZF 12
    movzx eax, ax
    mov [arpl_1], eax
    mov ax, SEL_DATA3
    mov bx, SEL_DATA0
    arpl ax, bx
    SAVE_ZF 16
    movzx eax, ax
    mov [arpl_2], eax
    mov ax, SEL_CONF0 | 3
    verr ax
    SAVE_ZF 14
    mov ecx, SEL_EXPDN3
    lsl eax, ecx
    mov [lsl_expdn], eax
    mov ecx, 0x1F8 | 3              ; beyond the GDT limit
    lsl eax, ecx
    SAVE_ZF 15
    mov ecx, 0x0C | 3               ; TI = 1 and the LDT is null
    lar eax, ecx
    SAVE_ZF 13
    int RING0_VECTOR

r3_expand_down:
    mov ax, SEL_EXPDN3
    mov es, ax
    mov eax, [es:0x2000]
    mov dword [r3_value], 1
    mov eax, [es:0xFFF]
    mov dword [r3_value], 2
    int RING0_VECTOR

align 4
r3_value: dd 0
lar_data3: dd 0
lar_gate: dd 0
lsl_small: dd 0
lsl_flat: dd 0
lsl_expdn: dd 0
arpl_1: dd 0
arpl_2: dd 0
zf: times 20 dd 0xEE

%include "lib/end.inc"
