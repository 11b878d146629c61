; ACPI power-off through the PIIX4-style PM function (01.3), as an OS does it without AML: find
; the PM I/O base in PMBA (config 0x40; programmed and enabled through PMREGMISC 0x80 bit 0 when
; no firmware did), check that the PM timer (base + 8) counts at 3.579545 MHz against 10 ms of
; the 8254's counter 2, then write SLP_TYP = 0 (the _S5 value on this chipset) with SLP_EN to
; PM1a_CNT (base + 4). The machine must power off: the run ends with status 0 (run with
; --expect-status 0). If it does not, the test reports a failure. ACPI 6.4, 4.8.3.2.1 and 7.4.2;
; 82371AB datasheet, 3.4 power management registers.
%include "lib/multiboot.inc"
%include "pci.inc"

PMBA            equ 0x40
PMREGMISC       equ 0x80
DEFAULT_PM_BASE equ 0x600
PM1_CNT         equ 4
PM_TMR          equ 8
SLP_EN          equ 1 << 13
PIT_CH2         equ 0x42
PIT_CONTROL     equ 0x43
PORT61          equ 0x61
P61_GATE2       equ 0x01
P61_OUT2        equ 0x20
CH2_MODE0       equ 0xB0
TEN_MS          equ 11932               ; 8254 ticks (1.193182 MHz)
EXPECTED_TICKS  equ 35795               ; PM timer ticks in 10 ms

test_main:
    mov eax, PCI_ADDR(1, 3, PMBA)
    call pci_read32
    and eax, 0xFFC0
    jnz .have_base
    ; No firmware placed the block: put it where QEMU's firmware does and enable decoding.
    mov eax, PCI_ADDR(1, 3, PMBA)
    xor ecx, ecx
    mov bl, (DEFAULT_PM_BASE & 0xC0) | 1
    call pci_write8
    mov eax, PCI_ADDR(1, 3, PMBA)
    mov ecx, 1
    mov bl, DEFAULT_PM_BASE >> 8
    call pci_write8
    mov eax, PCI_ADDR(1, 3, PMREGMISC)
    xor ecx, ecx
    mov bl, 1
    call pci_write8
    mov eax, DEFAULT_PM_BASE
.have_base:
    mov [pm_base], eax

    ; 10 ms on the 8254: counter 2 in mode 0, OUT 2 (port 0x61 bit 5) goes high at terminal count.
    in al, PORT61
    and al, ~P61_GATE2 & 0xFF
    out PORT61, al
    mov al, CH2_MODE0
    out PIT_CONTROL, al
    mov al, TEN_MS & 0xFF
    out PIT_CH2, al
    mov al, TEN_MS >> 8
    out PIT_CH2, al
    mov edx, [pm_base]
    add edx, PM_TMR
    in eax, dx
    mov [pm_start], eax
    in al, PORT61
    or al, P61_GATE2
    out PORT61, al
.wait:
    in al, PORT61
    test al, P61_OUT2
    jz .wait
    mov edx, [pm_base]
    add edx, PM_TMR
    in eax, dx
    sub eax, [pm_start]
    and eax, 0xFFFFFF               ; the timer is 24 bits wide
    mov [pm_delta], eax
    ; Within 10% of 35795: the two clocks agree on the rate.
    cmp eax, EXPECTED_TICKS * 9 / 10
    setae bl
    cmp eax, EXPECTED_TICKS * 11 / 10
    setbe bh
    and bl, bh
    movzx eax, bl
    CHECK_EQ "PM timer advances 35795 ticks (+-10%) in 10 ms of the 8254", eax, 1
    cmp dword [checks_failed], 0
    jne .report

    mov esi, poweroff_text
    call serial_puts
    call serial_drain
    mov edx, [pm_base]
    add edx, PM1_CNT
    in ax, dx
    and ax, ~(7 << 10) & 0xFFFF     ; SLP_TYP = 0
    or ax, SLP_EN
    out dx, ax
    ; Still running: power-off did not happen.
    mov ecx, 1000000
.linger:
    loop .linger
    CHECK_EQ "SLP_EN with SLP_TYP 0 powers off", 0, 1
.report:
    ret

poweroff_text: db "PASS powering off through PM1a_CNT", 10, 0

align 4
pm_base:    dd 0
pm_start:   dd 0
pm_delta:   dd 0

%include "lib/end.inc"
