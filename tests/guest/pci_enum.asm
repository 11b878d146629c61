; PCI enumeration of bus 0 as firmware and kernels do it, through configuration mechanism #1:
; vendor/device and class codes of the i440FX host bridge (00.0), the PIIX3 ISA bridge (01.0)
; and its power management function (01.3), all ones from slots and functions with no device
; (PCI 3.0, 6.1: "returns all 1's"), the multi-function bit of 01.0, and a read-modify-write of
; the PIIX3's PIRQA route control register (82371SB datasheet, 2.2.9 PIRQRC[A:D]) that leaves
; its neighbours alone. The PM function has no base address registers (PIIX4 PMBA at 0x40 is a
; device-specific register, not a BAR), so its BARs must read 0.
%include "lib/multiboot.inc"
%include "pci.inc"

test_main:
    mov eax, PCI_ADDR(0, 0, 0x00)
    call pci_read32
    CHECK_EQ "00.0 is the i440FX (8086:1237)", eax, 0x12378086
    mov eax, PCI_ADDR(0, 0, 0x08)
    call pci_read32
    shr eax, 8
    CHECK_EQ "00.0 class 06.00.00 (host bridge)", eax, 0x060000
    mov eax, PCI_ADDR(1, 0, 0x00)
    call pci_read32
    CHECK_EQ "01.0 is the PIIX3 (8086:7000)", eax, 0x70008086
    mov eax, PCI_ADDR(1, 0, 0x08)
    call pci_read32
    shr eax, 8
    CHECK_EQ "01.0 class 06.01.00 (ISA bridge)", eax, 0x060100
    mov eax, PCI_ADDR(1, 0, 0x0C)
    call pci_read32
    shr eax, 16
    and eax, 0x80
    CHECK_EQ "01.0 header type is multi-function", eax, 0x80
    mov eax, PCI_ADDR(1, 3, 0x00)
    call pci_read32
    CHECK_EQ "01.3 is the PIIX4 PM (8086:7113)", eax, 0x71138086
    mov eax, PCI_ADDR(1, 3, 0x08)
    call pci_read32
    shr eax, 8
    CHECK_EQ "01.3 class 06.80.00 (other bridge)", eax, 0x068000
    mov eax, PCI_ADDR(1, 3, 0x10)
    call pci_read32
    CHECK_EQ "01.3 BAR0 reads 0 (no BARs)", eax, 0
    mov eax, PCI_ADDR(5, 0, 0x00)
    call pci_read32
    CHECK_EQ "absent slot 5 reads all ones", eax, 0xFFFFFFFF
    mov eax, PCI_ADDR(31, 0, 0x00)
    call pci_read32
    CHECK_EQ "absent slot 31 reads all ones", eax, 0xFFFFFFFF
    mov eax, PCI_ADDR(1, 7, 0x00)
    call pci_read32
    CHECK_EQ "absent function 01.7 reads all ones", eax, 0xFFFFFFFF
    mov eax, PCI_ADDR(0, 0, 0x00) | (1 << 16)
    call pci_read32
    CHECK_EQ "absent bus 1 reads all ones", eax, 0xFFFFFFFF

    ; PIRQA route: change IRQ bits 3:0 to 5 with a byte write, check that B-D kept their value,
    ; then put the original back.
    mov eax, PCI_ADDR(1, 0, 0x60)
    call pci_read32
    mov [pirq_before], eax
    mov bl, al
    and bl, 0xF0
    or bl, 0x05
    mov eax, PCI_ADDR(1, 0, 0x60)
    xor ecx, ecx
    call pci_write8
    mov eax, PCI_ADDR(1, 0, 0x60)
    call pci_read32
    mov [pirq_after], eax
    mov ebx, [pirq_before]
    and ebx, 0xFFFFFFF0
    or ebx, 0x05
    CHECK_EQ "PIRQA route takes IRQ 5, PIRQB-D unchanged", [pirq_after], ebx
    mov bl, [pirq_before]
    mov eax, PCI_ADDR(1, 0, 0x60)
    xor ecx, ecx
    call pci_write8
    mov eax, PCI_ADDR(1, 0, 0x60)
    call pci_read32
    CHECK_EQ "PIRQA route restored", eax, [pirq_before]
    ret

align 4
pirq_before:    dd 0
pirq_after:     dd 0

%include "lib/end.inc"
