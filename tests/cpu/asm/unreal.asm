; Unreal mode: load a 4-GiB data segment in protected mode, return to real mode, and use
; 32-bit offsets through DS (the cached limit survives). Loaded at 0000:1000.
bits 16
org 0x1000
start:
  cli
  xor ax, ax
  mov ds, ax
  lgdt [gdt_desc]
  mov eax, cr0
  or al, 1
  mov cr0, eax
  mov bx, 0x08
  mov ds, bx
  and al, 0xfe
  mov cr0, eax
  xor ax, ax
  mov ds, ax                ; base 0 again, limit stays 4 GiB
  mov esi, 0x200000
  mov dword [esi], 0xcafe1234
  mov eax, [esi]
  mov [0x3000], eax
  mov es, ax                ; ES still has a 64-KiB limit: this access faults (#GP -> INT 13)
  mov word [13 * 4], gp_handler
  mov word [13 * 4 + 2], 0
  mov byte [es:esi], 1
  hlt
gp_handler:
  mov byte [0x3004], 0x0d
  hlt

align 8
gdt:
  dq 0
  dq 0x00cf92000000ffff     ; 0x08: 4-GiB data
gdt_end:
gdt_desc:
  dw gdt_end - gdt - 1
  dd gdt
