; QEMU's pc-testdev as kvm-unit-tests drive it (hw/misc/pc-testdev.c; devices/pc_testdev.h):
; - ports 0xE0-0xE3: a 32-bit scratch register for byte, word and dword IN/OUT; 0xE8-0xEB show
;   the same register; the flush-page port 0xE4 reads 0.
; - ports 0x2000 + n drive ISA IRQ n: through the 8259 (ELCR set to edge: one interrupt per
;   rising edge, cascade for IRQ 10) and through the IOAPIC (82093AA 3.2.4: an edge entry
;   delivers on a rising edge; a level entry sets Remote IRR and delivers again after an EOI
;   while the line is still high; a masked level entry delivers when unmasked with the line high).
; - iomem at 0xFF000000: MMIO that behaves as memory for plain, read-modify-write, string and
;   XCHG instructions, over all 64 KiB.
%include "lib/multiboot.inc"
%include "apic/apic.inc"

IOPORT          equ 0xE0
FLUSH_PORT      equ 0xE4
IOPORT_BYTE     equ 0xE8
IRQ_LINE        equ 0x2000
IOMEM           equ 0xFF000000
ELCR1           equ 0x4D0
ELCR2           equ 0x4D1
PIC_VEC_IRQ5    equ 0x25            ; pic_init puts IRQ 0-7 at 0x20, 8-15 at 0x28
PIC_VEC_IRQ10   equ 0x2A
EDGE_VECTOR     equ 0x60
LEVEL_VECTOR    equ 0x61

; Drive ISA IRQ %1 to level %2.
%macro SET_LINE 2
    mov dx, IRQ_LINE + %1
    mov al, %2
    out dx, al
%endmacro

; Lets pending interrupts in (a short spin with IF set; an interrupt raised by an OUT is taken at
; once, so this only gives the emulator its instruction boundary).
settle:
    push ecx
    mov ecx, 100000
    sti
.spin:
    pause
    loop .spin
    cli
    pop ecx
    ret

test_main:
    call apic_setup
    call scratch_ports
    call iomem_checks
    call through_8259
    call through_ioapic
    ret

; ---- ports 0xE0-0xEB --------------------------------------------------------------------------
scratch_ports:
    mov dx, IOPORT
    mov eax, 0x12345678
    out dx, eax
    in eax, dx
    CHECK_EQ "0xE0 dword reads back", eax, 0x12345678
    mov dx, IOPORT + 3
    in al, dx
    movzx eax, al
    CHECK_EQ "0xE3 byte is bits 31:24", eax, 0x12
    mov dx, IOPORT + 2
    mov ax, 0xBEEF
    out dx, ax
    mov dx, IOPORT
    in eax, dx
    CHECK_EQ "word write to 0xE2 changes bits 31:16 only", eax, 0xBEEF5678
    mov dx, IOPORT + 1
    mov al, 0xAA
    out dx, al
    mov dx, IOPORT
    in ax, dx
    movzx eax, ax
    CHECK_EQ "byte write to 0xE1, word read of 0xE0", eax, 0xAA78
    mov dx, IOPORT_BYTE
    in eax, dx
    CHECK_EQ "0xE8 dword shows the same register", eax, 0xBEEFAA78
    mov eax, 0x01020304
    out dx, eax
    mov dx, IOPORT
    in eax, dx
    CHECK_EQ "dword write to 0xE8 reaches 0xE0", eax, 0x01020304
    mov dx, FLUSH_PORT
    in eax, dx
    CHECK_EQ "flush-page port reads 0", eax, 0
    mov eax, 0x00200000             ; a flush of a RAM page changes nothing the guest sees
    out dx, eax
    mov dx, IOPORT
    in eax, dx
    CHECK_EQ "flush leaves the scratch register alone", eax, 0x01020304
    ret

; ---- iomem ------------------------------------------------------------------------------------
iomem_checks:
    mov dword [IOMEM], 0xCAFEF00D
    mov eax, [IOMEM]
    CHECK_EQ "iomem dword reads back", eax, 0xCAFEF00D
    movzx eax, byte [IOMEM + 2]
    CHECK_EQ "iomem byte read", eax, 0xFE
    mov word [IOMEM + 0x21], 0x1234     ; misaligned
    movzx eax, word [IOMEM + 0x21]
    CHECK_EQ "iomem misaligned word", eax, 0x1234
    add dword [IOMEM], 3                ; read-modify-write on an MMIO operand
    mov eax, [IOMEM]
    CHECK_EQ "ADD to iomem", eax, 0xCAFEF010
    mov eax, 0x55AA55AA
    xchg eax, [IOMEM + 4]
    mov eax, [IOMEM + 4]
    CHECK_EQ "XCHG with iomem", eax, 0x55AA55AA
    ; REP MOVSD RAM -> iomem, then REPE CMPSD compares them back.
    mov esi, pattern
    mov edi, IOMEM + 0x100
    mov ecx, 16
    cld
    rep movsd
    mov esi, pattern
    mov edi, IOMEM + 0x100
    mov ecx, 16
    repe cmpsd
    CHECK_EQ "REP MOVSD into iomem, REPE CMPSD equal", ecx, 0
    mov byte [IOMEM + 0xFFFF], 0x5A
    movzx eax, byte [IOMEM + 0xFFFF]
    CHECK_EQ "iomem is 64 KiB (last byte)", eax, 0x5A
    ret

; ---- ISA IRQs through the 8259 ----------------------------------------------------------------
pic_eoi_master:
    mov al, PIC_EOI
    out PIC1_CMD, al
    ret
pic_eoi_slave:
    mov al, PIC_EOI
    out PIC2_CMD, al
    out PIC1_CMD, al
    ret

through_8259:
    call pic_init
    call ioapic_mask_all
    ; LAPIC on, LINT0 in ExtINT mode: the 8259's INT reaches the CPU (virtual wire, MP spec 3.6.2.2).
    call lapic_enable
    LAPIC_WR LAPIC_LVT_LINT0, 0x700
    ; ELCR: IRQ 5 and 10 edge-triggered (firmware may have made PCI IRQs level-triggered).
    mov dx, ELCR1
    in al, dx
    and al, ~(1 << 5)
    out dx, al
    mov dx, ELCR2
    in al, dx
    and al, ~(1 << 2)
    out dx, al
    mov dword [vec_hooks + PIC_VEC_IRQ5 * 4], pic_eoi_master
    mov dword [vec_hooks + PIC_VEC_IRQ10 * 4], pic_eoi_slave

    SET_LINE 5, 1                   ; masked: only the request register shows it
    call settle
    call pic_read_irr
    and eax, 1 << 5
    CHECK_EQ "masked IRQ 5 raised: 8259 IRR bit 5", eax, 1 << 5
    CHECK_EQ "masked IRQ 5: no interrupt", [vec_counts + PIC_VEC_IRQ5 * 4], 0
    SET_LINE 5, 0
    mov al, 0xFF & ~(1 << 5)         ; unmask IRQ 5
    out PIC1_DATA, al
    call settle
    ; An edge the 8259 latched while masked may be delivered now (QEMU's and glasspc's 8259s
    ; keep IRR); the 8259A datasheet leaves it open, so start counting from here.
    mov dword [vec_counts + PIC_VEC_IRQ5 * 4], 0
    SET_LINE 5, 1
    call settle
    mov eax, [vec_counts + PIC_VEC_IRQ5 * 4]
    mov [first_count], eax
    CHECK_EQ "IRQ 5 rising edge: one interrupt at 8259 vector 0x25", eax, 1
    SET_LINE 5, 1                   ; still high: no new edge
    call settle
    CHECK_EQ "IRQ 5 held high: no second interrupt", [vec_counts + PIC_VEC_IRQ5 * 4], 1
    SET_LINE 5, 0
    call settle
    SET_LINE 5, 1
    call settle
    CHECK_EQ "IRQ 5 low then high: second interrupt", [vec_counts + PIC_VEC_IRQ5 * 4], 2
    SET_LINE 5, 0

    mov al, 0xFF & ~(1 << 2)         ; cascade input
    out PIC1_DATA, al
    mov al, 0xFF & ~(1 << 2)         ; IRQ 10 = slave input 2
    out PIC2_DATA, al
    SET_LINE 10, 1
    call settle
    CHECK_EQ "IRQ 10 through the slave 8259: vector 0x2A", [vec_counts + PIC_VEC_IRQ10 * 4], 1
    SET_LINE 10, 0
    call settle
    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    LAPIC_WR LAPIC_LVT_LINT0, LVT_MASKED | 0x700
    ret

; ---- ISA IRQs through the IOAPIC --------------------------------------------------------------
; Level vector hook: notes Remote IRR on the first delivery (before the EOI) and lowers the line
; on the second, so the second EOI ends the interrupt.
level_hook:
    mov ebx, 10
    call ioapic_entry_low
    cmp dword [vec_counts + LEVEL_VECTOR * 4], 1
    jne .second
    mov [remote_irr_in_handler], eax
    ret
.second:
    cmp dword [vec_counts + LEVEL_VECTOR * 4], 2
    jne .done
    SET_LINE 10, 0
.done:
    ret

through_ioapic:
    call apic_quiet_pic             ; 8259 inputs masked, LINT0 masked
    mov ebx, 5                      ; GSI 5: edge, active high, fixed, to APIC 0
    mov eax, EDGE_VECTOR
    xor edx, edx
    call ioapic_set_entry
    SET_LINE 5, 1
    call settle
    CHECK_EQ "IOAPIC edge pin 5: one interrupt", [vec_counts + EDGE_VECTOR * 4], 1
    ; (No "held high" check here: QEMU's IOAPIC takes every write of 1 as a new edge.)
    SET_LINE 5, 0
    SET_LINE 5, 1
    call settle
    CHECK_EQ "IOAPIC edge pin 5 new edge: second interrupt", [vec_counts + EDGE_VECTOR * 4], 2
    SET_LINE 5, 0
    mov ebx, 5
    mov eax, IOAPIC_ENTRY_MASKED | EDGE_VECTOR
    xor edx, edx
    call ioapic_set_entry

    mov dword [vec_hooks + LEVEL_VECTOR * 4], level_hook
    mov ebx, 10                     ; GSI 10: level, active high
    mov eax, IOAPIC_ENTRY_LEVEL | LEVEL_VECTOR
    xor edx, edx
    call ioapic_set_entry
    SET_LINE 10, 1
    call settle
    CHECK_EQ "IOAPIC level pin 10: EOI with the line high delivers again", [vec_counts + LEVEL_VECTOR * 4], 2
    mov eax, [remote_irr_in_handler]
    and eax, IOAPIC_REMOTE_IRR
    CHECK_EQ "Remote IRR set while the handler runs", eax, IOAPIC_REMOTE_IRR
    mov ebx, 10
    call ioapic_entry_low
    and eax, IOAPIC_REMOTE_IRR
    CHECK_EQ "Remote IRR clear after the last EOI", eax, 0

    ; Masked level entry: a raised line waits; unmasking delivers it.
    mov dword [vec_hooks + LEVEL_VECTOR * 4], lower_line_10
    mov ebx, 10
    mov eax, IOAPIC_ENTRY_MASKED | IOAPIC_ENTRY_LEVEL | LEVEL_VECTOR
    xor edx, edx
    call ioapic_set_entry
    SET_LINE 10, 1
    call settle
    CHECK_EQ "masked level pin 10: nothing delivered", [vec_counts + LEVEL_VECTOR * 4], 2
    mov ebx, 10
    mov eax, IOAPIC_ENTRY_LEVEL | LEVEL_VECTOR
    xor edx, edx
    call ioapic_set_entry
    call settle
    CHECK_EQ "unmasking with the line high delivers", [vec_counts + LEVEL_VECTOR * 4], 3
    SET_LINE 10, 0
    call ioapic_mask_all
    ret

lower_line_10:
    SET_LINE 10, 0
    ret

align 4
first_count:            dd 0
remote_irr_in_handler:  dd 0
pattern:
%assign i 0
%rep 16
    dd ((0x1111111 * (i + 1)) ^ 0xA5A5A5A5) & 0xFFFFFFFF
%assign i i + 1
%endrep

%include "lib/irq.inc"
%include "lib/end.inc"
