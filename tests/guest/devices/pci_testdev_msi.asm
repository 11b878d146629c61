; MSI and MSI-X end to end through glasspc's pci-testdev extension (devices/pci_testdev.h: BAR4
; holds the MSI-X table at 0x000, the PBA at 0x800 and the fire registers at 0xC00). The guest
; finds both capabilities by walking the list, places BAR4, and makes the function signal:
; - MSI (PCI 3.0, 6.8.1): a message to LAPIC 0 (SDM vol. 3A 11.11.1, 11.11.2) arrives at the
;   vector in Message Data; with 4 vectors enabled the vector number replaces the low data bits;
;   a masked vector sets its Pending bit and is sent when unmasked.
; - MSI-X (6.8.2): the table entry's address and data; Function Mask and the entry's Vector
;   Control mask hold a message pending in the PBA until both are clear.
; - Without Bus Master Enable nothing is sent.
%include "lib/multiboot.inc"
%include "apic/apic.inc"
%include "testdev_pci.inc"

BAR4_REG        equ PCI_BAR0 + 16
BAR4            equ 0xC0200000
MSIX_TABLE      equ BAR4
MSIX_PBA        equ BAR4 + 0x800
MSI_FIRE        equ BAR4 + 0xC00
MSIX_FIRE       equ BAR4 + 0xC04
FIRE_STATUS     equ BAR4 + 0xC08
CAP_MSI         equ 0x05
CAP_MSIX        equ 0x11
MSI_VECTOR      equ 0x70            ; 0x70-0x73 with 4 vectors
MSIX_VECTOR0    equ 0x80
MSIX_VECTOR1    equ 0x81
MSI_ADDRESS     equ 0xFEE00000      ; LAPIC ID 0, physical, no redirection hint

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

; eax = capability ID -> eax = its configuration offset, or 0
find_capability:
    push ebx
    push ecx
    mov ebx, eax
    mov ecx, 0x34
    call cfg_read
    and eax, 0xFC
.next:
    test eax, eax
    jz .out
    mov ecx, eax
    call cfg_read
    cmp al, bl
    je .found
    shr eax, 8
    and eax, 0xFC
    jmp .next
.found:
    mov eax, ecx
.out:
    pop ecx
    pop ebx
    ret

test_main:
    call apic_setup
    call apic_quiet_pic
    call lapic_enable
    call ioapic_mask_all
    call find_testdev
    test eax, eax
    jz .done
    CFG_WR BAR4_REG, BAR4
    CFG_WR PCI_COMMAND, PCI_CMD_MEMORY | PCI_CMD_MASTER
    mov eax, CAP_MSI
    call find_capability
    mov [msi_cap], eax
    CHECK_EQ "MSI capability found in the list", eax, 0x50
    mov eax, CAP_MSIX
    call find_capability
    mov [msix_cap], eax
    CHECK_EQ "MSI-X capability found in the list", eax, 0x70
    call msi_checks
    call msix_checks
    call bus_master_off
.done:
    ret

; ---- MSI --------------------------------------------------------------------------------------
; eax = Message Control value
msi_control:
    shl eax, 16                     ; ID and next pointer are read-only
    mov ecx, [msi_cap]
    jmp cfg_write

msi_checks:
    mov ecx, [msi_cap]
    call cfg_read
    shr eax, 16
    and eax, 0x18E
    CHECK_EQ "MSI: 4 vectors capable, 64-bit, per-vector masking", eax, 0x18E & (0x100 | 0x80 | (2 << 1))
    mov ecx, [msi_cap]
    add ecx, 4
    mov eax, MSI_ADDRESS
    call cfg_write
    add ecx, 4
    xor eax, eax
    call cfg_write                  ; upper address
    add ecx, 4
    mov eax, MSI_VECTOR             ; fixed, edge
    call cfg_write
    mov dword [MSI_FIRE], 0         ; MSI still disabled
    call settle
    CHECK_EQ "MSI disabled: fire sends nothing", [FIRE_STATUS], 0
    CHECK_EQ "MSI disabled: no interrupt", [vec_counts + MSI_VECTOR * 4], 0
    mov eax, 1                      ; MSI Enable, one vector
    call msi_control
    mov dword [MSI_FIRE], 0
    call settle
    CHECK_EQ "MSI: fire reports a message sent", [FIRE_STATUS], 1
    CHECK_EQ "MSI: interrupt at the Message Data vector", [vec_counts + MSI_VECTOR * 4], 1
    mov eax, 1 | (2 << 4)           ; Multiple Message Enable: 4 vectors
    call msi_control
    mov dword [MSI_FIRE], 2
    call settle
    CHECK_EQ "MSI with 4 vectors: vector 2 arrives at data | 2", [vec_counts + (MSI_VECTOR + 2) * 4], 1
    mov ecx, [msi_cap]
    add ecx, 0x10
    mov eax, 1 << 2                 ; mask vector 2
    call cfg_write
    mov dword [MSI_FIRE], 2
    call settle
    CHECK_EQ "MSI masked: fire reports nothing sent", [FIRE_STATUS], 0
    CHECK_EQ "MSI masked: no interrupt", [vec_counts + (MSI_VECTOR + 2) * 4], 1
    mov ecx, [msi_cap]
    add ecx, 0x14
    call cfg_read
    CHECK_EQ "MSI masked: Pending bit 2 set", eax, 1 << 2
    mov ecx, [msi_cap]
    add ecx, 0x10
    xor eax, eax                    ; unmask: the pending message goes out
    call cfg_write
    call settle
    CHECK_EQ "MSI unmasked: the pending interrupt arrives", [vec_counts + (MSI_VECTOR + 2) * 4], 2
    mov ecx, [msi_cap]
    add ecx, 0x14
    call cfg_read
    CHECK_EQ "MSI unmasked: Pending bit clear", eax, 0
    xor eax, eax
    call msi_control                ; MSI off
    ret

; ---- MSI-X ------------------------------------------------------------------------------------
; eax = Message Control value
msix_control:
    shl eax, 16
    mov ecx, [msix_cap]
    jmp cfg_write

msix_checks:
    mov ecx, [msix_cap]
    call cfg_read
    shr eax, 16
    and eax, 0x7FF
    CHECK_EQ "MSI-X: table size 4", eax, 3
    mov ecx, [msix_cap]
    add ecx, 4
    call cfg_read
    CHECK_EQ "MSI-X: table in BAR4 at 0", eax, 4
    add ecx, 4
    call cfg_read
    CHECK_EQ "MSI-X: PBA in BAR4 at 0x800", eax, 0x804
    CHECK_EQ "MSI-X: entries start masked", [MSIX_TABLE + 12], 1
    mov dword [MSIX_TABLE + 0], MSI_ADDRESS
    mov dword [MSIX_TABLE + 4], 0
    mov dword [MSIX_TABLE + 8], MSIX_VECTOR0
    mov dword [MSIX_TABLE + 12], 0
    mov dword [MSIX_TABLE + 16], MSI_ADDRESS
    mov dword [MSIX_TABLE + 20], 0
    mov dword [MSIX_TABLE + 24], MSIX_VECTOR1
    mov dword [MSIX_TABLE + 28], 1  ; entry 1 stays masked
    CHECK_EQ "MSI-X: entry 1 data reads back", [MSIX_TABLE + 24], MSIX_VECTOR1
    mov eax, (1 << 15) | (1 << 14)  ; MSI-X Enable with Function Mask
    call msix_control
    mov dword [MSIX_FIRE], 0
    call settle
    CHECK_EQ "MSI-X function masked: nothing sent", [FIRE_STATUS], 0
    CHECK_EQ "MSI-X function masked: no interrupt", [vec_counts + MSIX_VECTOR0 * 4], 0
    CHECK_EQ "MSI-X function masked: PBA bit 0 set", [MSIX_PBA], 1
    mov eax, 1 << 15                ; Function Mask cleared: entry 0 goes out
    call msix_control
    call settle
    CHECK_EQ "MSI-X function unmasked: pending vector arrives", [vec_counts + MSIX_VECTOR0 * 4], 1
    CHECK_EQ "MSI-X function unmasked: PBA bit 0 clear", [MSIX_PBA], 0
    mov dword [MSIX_FIRE], 0
    call settle
    CHECK_EQ "MSI-X: fire of an unmasked entry is sent", [FIRE_STATUS], 1
    CHECK_EQ "MSI-X: second interrupt on entry 0", [vec_counts + MSIX_VECTOR0 * 4], 2
    mov dword [MSIX_FIRE], 1        ; entry 1 masked by its Vector Control
    call settle
    CHECK_EQ "MSI-X vector masked: no interrupt", [vec_counts + MSIX_VECTOR1 * 4], 0
    CHECK_EQ "MSI-X vector masked: PBA bit 1 set", [MSIX_PBA], 2
    mov dword [MSIX_TABLE + 28], 0  ; unmask entry 1
    call settle
    CHECK_EQ "MSI-X vector unmasked: pending vector arrives", [vec_counts + MSIX_VECTOR1 * 4], 1
    CHECK_EQ "MSI-X vector unmasked: PBA clear", [MSIX_PBA], 0
    CHECK_EQ "MSI vectors untouched by MSI-X", [vec_counts + MSI_VECTOR * 4], 1
    ret

bus_master_off:
    CFG_WR PCI_COMMAND, PCI_CMD_MEMORY
    mov dword [MSIX_FIRE], 0
    call settle
    CHECK_EQ "Bus Master off: fire sends nothing", [FIRE_STATUS], 0
    CHECK_EQ "Bus Master off: no interrupt", [vec_counts + MSIX_VECTOR0 * 4], 2
    mov eax, 0
    call msix_control
    ret

align 4
msi_cap:        dd 0
msix_cap:       dd 0

%include "lib/irq.inc"
%include "lib/end.inc"
