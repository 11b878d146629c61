; QEMU's pci-testdev as kvm-unit-tests' pci test drives it (hw/misc/pci-testdev.c;
; devices/pci_testdev.h): found by enumerating bus 0, identified by class ff.00.00 without an
; interrupt pin, its BARs sized (PCI 3.0, 6.2.5.1: write all ones, read back ~(size - 1) | type)
; and placed by the guest, then the six tests through BAR0 (MMIO) and BAR1 (ports): the header
; (test number, width, register offset, data, hit counter, name) and the hit counter after byte
; and word writes. Writes that match a test's ioeventfd do not count, as on QEMU 7.2; other
; writes count byte by byte (see run_tests). Last,
; both BARs move: the device answers at the new addresses, not at the old ones, and not at all
; with decoding off.
%include "lib/multiboot.inc"
%include "testdev_pci.inc"

MEM_BASE        equ 0xC0000000
MEM_MOVED       equ 0xC0100000
IO_BASE         equ 0xD000
IO_MOVED        equ 0xD100
HDR_TEST        equ 0x00
HDR_WIDTH       equ 0x01
HDR_OFFSET      equ 0x04
HDR_DATA        equ 0x08
HDR_COUNT       equ 0x0C
HDR_NAME        equ 0x10

test_main:
    call find_testdev
    test eax, eax
    jz .done
    CFG_RD 0x08
    CHECK_EQ "class 00.ff.00 (PCI_CLASS_OTHERS), revision 0", eax, 0x00FF0000
    CFG_RD 0x3C
    shr eax, 8
    and eax, 0xFF
    CHECK_EQ "no interrupt pin", eax, 0
    CFG_RD 0x2C
    CHECK_EQ "subsystem 1af4:1100", eax, 0x11001AF4
    call size_and_place
    call run_tests
    call relocate
.done:
    ret

size_and_place:
    CFG_WR PCI_COMMAND, 0               ; decoding off while sizing
    CFG_WR PCI_BAR0, 0xFFFFFFFF
    CFG_RD PCI_BAR0
    CHECK_EQ "BAR0 sizes as 4 KiB 32-bit memory", eax, 0xFFFFF000
    CFG_WR PCI_BAR0 + 4, 0xFFFFFFFF
    CFG_RD PCI_BAR0 + 4
    CHECK_EQ "BAR1 sizes as 256 I/O ports", eax, 0xFFFFFF01
    CFG_WR PCI_BAR0 + 8, 0xFFFFFFFF
    CFG_RD PCI_BAR0 + 8
    CHECK_EQ "BAR2 not implemented", eax, 0
    CFG_WR PCI_BAR0, MEM_BASE
    CFG_WR PCI_BAR0 + 4, IO_BASE
    CFG_RD PCI_BAR0
    CHECK_EQ "BAR0 takes the guest's address", eax, MEM_BASE
    CFG_RD PCI_BAR0 + 4
    CHECK_EQ "BAR1 takes the guest's port", eax, IO_BASE | 1
    CFG_WR PCI_COMMAND, PCI_CMD_IO | PCI_CMD_MEMORY
    mov dword [mem_base], MEM_BASE
    mov dword [io_base], IO_BASE
    ret

; ---- accesses through the BAR of the kind in [use_io] ----------------------------------------
; As kvm-unit-tests: byte reads of the byte fields and the name, dword reads of the aligned
; offset and count fields (a misaligned IN is invalid on QEMU and reads 0).
; ecx = offset -> eax = byte
t_read8:
    cmp byte [use_io], 0
    jne .io
    mov eax, [mem_base]
    movzx eax, byte [eax + ecx]
    ret
.io:
    push edx
    mov edx, [io_base]
    add edx, ecx
    in al, dx
    movzx eax, al
    pop edx
    ret

; ecx = offset -> eax = dword
t_read32:
    cmp byte [use_io], 0
    jne .io
    mov eax, [mem_base]
    mov eax, [eax + ecx]
    ret
.io:
    push edx
    mov edx, [io_base]
    add edx, ecx
    in eax, dx
    pop edx
    ret

; ecx = offset, eax = value, ebx = size (1 or 2)
t_write:
    push edx
    cmp byte [use_io], 0
    jne .io
    mov edx, [mem_base]
    add edx, ecx
    cmp ebx, 1
    jne .mem16
    mov [edx], al
    jmp .out
.mem16:
    mov [edx], ax
    jmp .out
.io:
    mov edx, [io_base]
    add edx, ecx
    cmp ebx, 1
    jne .io16
    out dx, al
    jmp .out
.io16:
    out dx, ax
.out:
    pop edx
    ret

; esi = expected name -> eax = 1 if the header's name matches, NUL included
t_name_matches:
    push ecx
    push edx
    mov ecx, HDR_NAME
.next:
    call t_read8
    mov dl, [esi]
    cmp al, dl
    jne .differ
    test dl, dl
    jz .same
    inc esi
    inc ecx
    jmp .next
.same:
    mov eax, 1
    jmp .out
.differ:
    xor eax, eax
.out:
    pop edx
    pop ecx
    ret

; RUN_TEST io, test (0-2), "name", data byte, expected count after the writes below
%macro RUN_TEST 5
    mov byte [use_io], %1
    xor ecx, ecx
    mov eax, %2
    mov ebx, 1
    call t_write                        ; select the test
    xor ecx, ecx
    call t_read8
    CHECK_EQ {%3, ": test number"}, eax, %1 * 3 + %2
    mov ecx, HDR_WIDTH
    call t_read8
    CHECK_EQ {%3, ": width 1"}, eax, 1
    mov ecx, HDR_OFFSET
    call t_read32
    mov [test_offset], eax
    CHECK_EQ {%3, ": register offset"}, eax, (%1 ? 0x80 : 0x800) + %1 * 3 + %2
    mov ecx, HDR_DATA
    call t_read8
    CHECK_EQ {%3, ": data"}, eax, %4
    mov ecx, HDR_COUNT
    call t_read32
    CHECK_EQ {%3, ": count starts at 0"}, eax, 0
    jmp %%check_name
%%name: db %3, 0
%%check_name:
    mov esi, %%name
    call t_name_matches
    CHECK_EQ {%3, ": name"}, eax, 1
    ; Two byte writes of 0xFA, one of 0x11, one word write 0x11FA (bytes 0xFA, then 0x11 at
    ; the next offset).
    mov ecx, [test_offset]
    mov ebx, 1
    mov eax, 0xFA
    call t_write
    call t_write
    mov eax, 0x11
    call t_write
    mov ebx, 2
    mov eax, 0x11FA
    call t_write
    mov ecx, HDR_COUNT
    call t_read32
    CHECK_EQ {%3, ": hit count"}, eax, %5
%endmacro

run_tests:
    ; Counts as QEMU 7.2 gives them: the eventfd of the wildcard and datamatch tests takes the
    ; 1-byte writes it matches (the mmio wildcard's size-0 eventfd takes any write at its
    ; register); a word at an odd port is invalid and dropped; an aligned word is two bytes.
    RUN_TEST 0, 0, "mmio-no-eventfd", 0xFA, 3
    RUN_TEST 0, 1, "mmio-wildcard-eventfd", 0xCE, 0
    RUN_TEST 0, 2, "mmio-datamatch-eventfd", 0xFA, 1
    RUN_TEST 1, 0, "portio-no-eventfd", 0xFA, 2
    RUN_TEST 1, 1, "portio-wildcard-eventfd", 0xCE, 1
    RUN_TEST 1, 2, "portio-datamatch-eventfd", 0xFA, 0
    ; An out-of-range test number deselects: the header reads 0.
    mov byte [use_io], 0
    xor ecx, ecx
    mov eax, 3
    mov ebx, 1
    call t_write
    mov ecx, HDR_NAME
    call t_read32
    CHECK_EQ "test 3 deselects: header reads 0", eax, 0
    ret

; ---- BAR relocation ---------------------------------------------------------------------------
relocate:
    mov byte [use_io], 0
    xor ecx, ecx
    xor eax, eax
    mov ebx, 1
    call t_write                        ; mmio test 0 selected
    CFG_WR PCI_BAR0, MEM_MOVED
    mov eax, [MEM_MOVED + HDR_NAME]
    CHECK_EQ "BAR0 moved: the header answers at the new address", eax, 'mmio'
    mov eax, [MEM_BASE + HDR_NAME]
    cmp eax, 'mmio'
    setne al
    movzx eax, al
    CHECK_EQ "BAR0 moved: nothing at the old address", eax, 1
    mov byte [MEM_BASE], 1              ; a select at the old address reaches nobody
    movzx eax, byte [MEM_MOVED + HDR_TEST]
    CHECK_EQ "BAR0 moved: writes to the old address are lost", eax, 0

    CFG_WR PCI_BAR0 + 4, IO_MOVED
    mov dx, IO_MOVED
    xor al, al
    out dx, al                          ; portio test 0 (test number 3)
    in al, dx
    movzx eax, al
    CHECK_EQ "BAR1 moved: the header answers at the new port", eax, 3
    mov dx, IO_BASE
    in al, dx
    movzx eax, al
    cmp eax, 3
    setne al
    movzx eax, al
    CHECK_EQ "BAR1 moved: nothing at the old port", eax, 1

    CFG_WR PCI_COMMAND, 0
    mov eax, [MEM_MOVED + HDR_NAME]
    cmp eax, 'mmio'
    setne al
    movzx eax, al
    CHECK_EQ "memory decoding off: BAR0 silent", eax, 1
    mov dx, IO_MOVED
    in al, dx
    movzx eax, al
    CHECK_EQ "I/O decoding off: BAR1 reads all ones", eax, 0xFF
    ret

align 4
mem_base:       dd 0
io_base:        dd 0
test_offset:    dd 0
use_io:         db 0

%include "lib/end.inc"
