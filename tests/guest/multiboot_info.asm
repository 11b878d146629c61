; The multiboot loader hands over the documented state and a correct information structure.
; Run with: -m 64 -append "hello world" -initrd "MODULE_PATH arg1" (see CMakeLists.txt).
%include "lib/multiboot.inc"

MBI_FLAGS       equ 0
MBI_MEM_LOWER   equ 4
MBI_MEM_UPPER   equ 8
MBI_CMDLINE     equ 16
MBI_MODS_COUNT  equ 20
MBI_MODS_ADDR   equ 24
MBI_MMAP_LENGTH equ 44
MBI_MMAP_ADDR   equ 48

test_main:
    CHECK_EQ "eax holds the multiboot magic", [mb_boot_eax], MB_BOOT_MAGIC
    mov ebx, [mb_boot_ebx]
    mov eax, [ebx + MBI_FLAGS]
    and eax, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6)
    CHECK_EQ "info flags: mem, cmdline, mods, mmap", eax, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6)
    CHECK_EQ "mem_lower is 639 KiB", [ebx + MBI_MEM_LOWER], 639
    ; 64 MiB of RAM: upper memory is what lies above 1 MiB, less whatever the firmware reserves at
    ; the top (QEMU with SeaBIOS reserves 128 KiB), so accept 62..63 MiB.
    mov eax, [ebx + MBI_MEM_UPPER]
    sub eax, 62 * 1024
    cmp eax, 1024
    setbe al
    movzx eax, al
    CHECK_EQ "mem_upper is about 63 MiB", eax, 1
    ; The command line ends with the -append text.
    mov esi, [ebx + MBI_CMDLINE]
.find_end:
    lodsb
    test al, al
    jnz .find_end
    sub esi, 12                 ; "hello world" + NUL
    mov eax, [esi]
    CHECK_EQ "cmdline ends with the -append text", eax, 'hell'
    CHECK_EQ "one module", [ebx + MBI_MODS_COUNT], 1
    mov edi, [ebx + MBI_MODS_ADDR]
    mov eax, [edi]              ; mod_start
    test eax, 0xfff
    setz al
    movzx eax, al
    CHECK_EQ "module is page aligned", eax, 1
    mov eax, [edi]
    mov eax, [eax]
    CHECK_EQ "module content", eax, 'GLAS'
    mov eax, [edi + 4]
    sub eax, [edi]
    CHECK_EQ "module length", eax, 16
    mov esi, [edi + 8]          ; module string: "path arg1", ends with " arg1"
.mod_end:
    lodsb
    test al, al
    jnz .mod_end
    mov eax, [esi - 6]          ; esi is one past the NUL: " arg1" starts 6 bytes back
    CHECK_EQ "module string ends with its argument", eax, ' arg'
    ; The memory map has at least 3 entries (low RAM, reserved, high RAM).
    mov eax, [ebx + MBI_MMAP_LENGTH]
    cmp eax, 3 * 24
    setae al
    movzx eax, al
    CHECK_EQ "memory map present", eax, 1
    ret

%include "lib/end.inc"
