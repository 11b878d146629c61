; Self-modifying code: a store into the very next instruction, a patch of a loop body that has
; already run, an instruction that crosses a page boundary patched on its second page, and code
; patched through a second linear alias of the same physical page. On x86 a store to code that is
; about to run takes effect for that code (Intel SDM vol. 3, 11.6 "Self-Modifying Code"); a jump
; after the store makes this hold for cross-modifying and aliased writes too.
%include "lib/multiboot.inc"
%include "pm_exc.inc"

PD          equ 0x200000
PT0         equ 0x201000
CODE_PAGE   equ 0x300000        ; code run from here (and the page after it)
ALIAS       equ 0x310000        ; maps the same frame as CODE_PAGE

test_main:
    call exc_setup

    ; 1. A store into the next instruction's immediate: the new value is executed.
    mov byte [.next_imm + 1], 0x42
.next_imm:
    mov al, 0x00                ; B0 00: patched to B0 42 before it runs
    movzx eax, al
    CHECK_EQ "store into the next instruction", eax, 0x42
    ; Patching the opcode itself: a 5-byte 'mov eax, imm32' becomes 'add eax, imm32'.
    mov eax, 10
    mov byte [.next_op], 0x05   ; B8 -> 05 (add eax, imm32)
.next_op:
    mov eax, 5
    CHECK_EQ "store into the next opcode", eax, 15

    ; 2. A loop body that has already run (and may be cached) is patched between iterations.
    mov byte [..@loop_body + 2], 1
    mov dword [patch_at], 3     ; from the third iteration on: add ebx, 100
    mov ecx, 4
    call run_loop
    CHECK_EQ "loop body patched while it runs", ebx, 1 + 1 + 100 + 100
    ; The same, now hot, loop patched again from outside.
    mov byte [..@loop_body + 2], 7
    mov dword [patch_at], 0
    mov ecx, 3
    call run_loop
    CHECK_EQ "hot loop body patched again", ebx, 21

    ; 3/4. Paging: a page-crossing instruction, and an alias.
    call paging_on
    ; mov eax, imm32 whose immediate straddles CODE_PAGE+0x1000, then ret.
    mov edi, CODE_PAGE + 0xFFD
    mov byte [edi], 0xB8
    mov dword [edi + 1], 0x11111111
    mov byte [edi + 5], 0xC3
    mov eax, CODE_PAGE + 0xFFD
    call eax
    CHECK_EQ "page-crossing instruction runs", eax, 0x11111111
    mov byte [CODE_PAGE + 0x1001], 0x22 ; last immediate byte, on the second page
    mov eax, CODE_PAGE + 0xFFD
    call eax
    CHECK_EQ "patched on its second page", eax, 0x22111111
    ; Code written and run at CODE_PAGE, then patched through ALIAS and run again.
    mov dword [CODE_PAGE], 0x000033B8   ; mov eax, 0x33 ; ret
    mov dword [CODE_PAGE + 4], 0xC300
    mov eax, CODE_PAGE
    call eax
    CHECK_EQ "code on the page runs", eax, 0x33
    mov byte [ALIAS + 1], 0x44
    mov eax, CODE_PAGE
    call eax
    CHECK_EQ "patched through a linear alias", eax, 0x44
    ; And the other way: run through the alias, patch through the original address.
    mov eax, ALIAS
    call eax
    CHECK_EQ "run through the alias", eax, 0x44
    mov byte [CODE_PAGE + 1], 0x55
    mov eax, ALIAS
    call eax
    CHECK_EQ "alias sees a patch through the original", eax, 0x55
    ; A string store (rep stosb) over code that already ran.
    mov edi, CODE_PAGE + 1
    mov al, 0x66
    mov ecx, 1
    rep stosb
    mov eax, CODE_PAGE
    call eax
    CHECK_EQ "rep stosb over code", eax, 0x66
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

; ecx = iterations; ebx = sum of the loop body's immediates.
run_loop:
    xor ebx, ebx
.iteration:
..@loop_body:
    add ebx, strict byte 1      ; 83 C3 ib: the immediate is byte 2
    cmp ecx, [patch_at]
    jne .next
    mov byte [..@loop_body + 2], 100
.next:
    loop .iteration
    ret

align 4
patch_at:   dd 0

; Identity-maps 0-4 MiB; ALIAS maps CODE_PAGE's frame.
paging_on:
    mov edi, PT0
    mov eax, 3
    mov ecx, 1024
.pte:
    stosd
    add eax, 0x1000
    loop .pte
    mov dword [PT0 + (ALIAS >> 12) * 4], CODE_PAGE | 3
    mov edi, PD
    xor eax, eax
    mov ecx, 1024
    rep stosd
    mov dword [PD], PT0 | 3
    mov eax, PD
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret
%include "lib/end.inc"
