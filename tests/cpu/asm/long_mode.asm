; Real mode -> 32-bit protected mode -> IA-32e (long) mode, then an exception through the
; 64-bit IDT and an IRETQ back. Prints "PLU" on port 0xE9. Loaded at 0000:1000.
bits 16
org 0x1000
start:
  cli
  xor ax, ax
  mov ds, ax
  mov ss, ax
  mov sp, 0x7000
  lgdt [gdt_desc]
  mov eax, cr0
  or eax, 1
  mov cr0, eax
  jmp 0x08:pm32

bits 32
pm32:
  mov ax, 0x10
  mov ds, ax
  mov es, ax
  mov ss, ax
  mov esp, 0x7000
  mov dx, 0xe9
  mov al, 'P'
  out dx, al
  ; Identity map the first 4 MiB with 2-MiB pages: PML4 0x10000, PDPT 0x11000, PD 0x12000.
  mov edi, 0x10000
  xor eax, eax
  mov ecx, 0x3000 / 4
  rep stosd
  mov dword [0x10000], 0x11003
  mov dword [0x11000], 0x12003
  mov dword [0x12000], 0x000083
  mov dword [0x12008], 0x200083
  mov eax, 0x10000
  mov cr3, eax
  mov eax, cr4
  or eax, 0x20
  mov cr4, eax
  mov ecx, 0xc0000080
  rdmsr
  or eax, 0x100
  wrmsr
  mov eax, cr0
  or eax, 0x80000000
  mov cr0, eax
  jmp 0x18:lm64

bits 64
lm64:
  mov dx, 0xe9             ; RDMSR/WRMSR used EDX
  mov al, 'L'
  out dx, al
  mov rax, 0x123456789abcdef0
  mov [0x3000], rax
  ; IDT at 0x4000: vector 6 (#UD) -> ud_handler, a 64-bit interrupt gate.
  mov rdi, 0x4000
  lea rax, [rel ud_handler]
  mov word [rdi + 6 * 16], ax
  mov word [rdi + 6 * 16 + 2], 0x18
  mov word [rdi + 6 * 16 + 4], 0x8e00
  shr rax, 16
  mov word [rdi + 6 * 16 + 6], ax
  shr rax, 16
  mov dword [rdi + 6 * 16 + 8], eax
  mov dword [rdi + 6 * 16 + 12], 0
  lidt [idt_desc]
  mov rsp, 0x7008          ; misaligned on purpose: the CPU aligns the frame to 16
  ud2
  mov [0x3008], rsp
  mov rcx, 0xc0000080
  rdmsr
  mov [0x3010], eax
  ; Far return into compatibility mode (32-bit code under IA-32e), then back with a far jump.
  mov rsp, 0x7000
  push 0x08
  lea rax, [rel compat32]
  push rax
  retfq
bits 32
compat32:
  mov eax, 0x11223344
  mov [0x3020], eax
  mov eax, esp
  mov [0x3024], eax
  jmp 0x18:back64
bits 64
back64:
  mov qword [0x3028], 0x64
  hlt
ud_handler:
  mov [0x3018], rsp
  mov dx, 0xe9
  mov al, 'U'
  out dx, al
  add qword [rsp], 2       ; skip the UD2
  iretq

align 8
gdt:
  dq 0
  dq 0x00cf9a000000ffff     ; 0x08: 32-bit code
  dq 0x00cf92000000ffff     ; 0x10: data
  dq 0x00af9a000000ffff     ; 0x18: 64-bit code
gdt_end:
gdt_desc:
  dw gdt_end - gdt - 1
  dd gdt
idt_desc:
  dw 256 * 16 - 1
  dq 0x4000
