; QEMU's firmware configuration device through its I/O ports (QEMU docs/specs/fw_cfg.rst): a
; 16-bit selector write to 0x510, then data bytes from 0x511. Item 0 is the signature "QEMU";
; item 0x19 is the file directory (a big-endian count, then 64-byte entries: be32 size, be16
; select, be16 reserved, 56 bytes of name), which lists the ACPI RSDP blob "etc/acpi/rsdp"; the
; RSDP file starts with "RSD PTR ".
%include "lib/multiboot.inc"

FW_CFG_SELECTOR equ 0x510
FW_CFG_DATA     equ 0x511
FW_CFG_SIGNATURE equ 0x0000
FW_CFG_FILE_DIR equ 0x0019

test_main:
    mov ax, FW_CFG_SIGNATURE
    call fw_cfg_select
    mov edi, buffer
    mov ecx, 4
    call fw_cfg_read
    CHECK_EQ "signature is QEMU", [buffer], 'QEMU'

    mov ax, FW_CFG_FILE_DIR
    call fw_cfg_select
    mov edi, buffer
    mov ecx, 4
    call fw_cfg_read
    mov eax, [buffer]
    bswap eax
    mov [file_count], eax
    cmp eax, 0
    seta al
    movzx eax, al
    CHECK_EQ "file directory is not empty", eax, 1
    ; Walk the entries for "etc/acpi/rsdp".
    mov ebx, [file_count]
.next_entry:
    test ebx, ebx
    jz .walked
    dec ebx
    mov edi, buffer
    mov ecx, 64
    call fw_cfg_read
    mov esi, buffer + 8
    mov edi, rsdp_name
    mov ecx, rsdp_name_end - rsdp_name
    repe cmpsb
    jne .next_entry
    movzx eax, word [buffer + 4]
    xchg al, ah
    mov [rsdp_select], eax
.walked:
    mov eax, [rsdp_select]
    cmp eax, 0
    setne al
    movzx eax, al
    CHECK_EQ "file directory lists etc/acpi/rsdp", eax, 1
    cmp dword [rsdp_select], 0
    je .done
    mov eax, [rsdp_select]
    call fw_cfg_select
    mov edi, buffer
    mov ecx, 8
    call fw_cfg_read
    CHECK_EQ "etc/acpi/rsdp starts with RSD PTR (low)", [buffer], 'RSD '
    CHECK_EQ "etc/acpi/rsdp starts with RSD PTR (high)", [buffer + 4], 'PTR '
.done:
    ret

; ax = selector key.
fw_cfg_select:
    mov dx, FW_CFG_SELECTOR
    out dx, ax
    ret

; Reads ecx bytes of the selected item to edi.
fw_cfg_read:
    mov dx, FW_CFG_DATA
.byte:
    in al, dx
    stosb
    loop .byte
    ret

rsdp_name: db "etc/acpi/rsdp", 0
rsdp_name_end:

align 4
file_count:     dd 0
rsdp_select:    dd 0
buffer:         times 64 db 0

%include "lib/end.inc"
