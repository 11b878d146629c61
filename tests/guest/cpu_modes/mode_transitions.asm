; Mode transitions from the multiboot 32-bit entry: protected -> real -> protected, unreal mode
; (a 4 GiB data limit kept across the return to real mode), and protected -> IA-32e long mode
; (64-bit code, REX registers, RIP-relative data) with a call into a compatibility-mode segment
; and back, then out of long mode again. Intel SDM vol. 3, 9.9 "Mode Switching", 9.8.5
; "Initializing IA-32e Mode", 5.2.1 "Code-Segment Descriptor in 64-bit Mode".
%include "lib/multiboot.inc"
%include "pm_exc.inc"
%include "lm.inc"

RM_CS       equ 0xFFFF              ; real-mode CS whose base (0xFFFF0) reaches this image
%define RM(x) ((x) - mb_header + 0x10) ; offset of a label in segment 0xFFFF (image at 1 MiB)
HIGH_ADDR   equ 0x00345678          ; above 1 MiB, reached from unreal mode
LOW_ADDR    equ 0x12350             ; written from real mode as 0x1234:0x0010

rm_unreal:      db 0            ; before its real-mode users: no forward reference
rm_ivt_pointer: dw 0x3FF
                dd 0

test_main:
    call exc_setup
    mov dword [HIGH_ADDR], 0xC0FFEE11
    mov dword [LOW_ADDR], 0

    ; Protected -> real -> protected. In real mode: CS reads 0xFFFF, a segment's base is
    ; selector * 16, and 16-bit arithmetic wraps.
    mov byte [rm_unreal], 0
    call real_mode_trip
    CHECK_EQ "real mode: CR0.PE was clear", [rm_cr0_pe], 0
    CHECK_EQ "real mode: CS reads 0xFFFF", [rm_cs], RM_CS
    CHECK_EQ "real mode: 0x1234:0x0010 is linear 0x12350", [LOW_ADDR], 0xA5A55A5A
    CHECK_EQ "real mode: 16-bit add wraps", [rm_wrap], 0x0001
    CHECK_EQ "back in protected mode: CR0.PE", [pm_cr0_pe], 1
    mov eax, [rm_int80_ip]
    CHECK_EQ "real mode: int 0x80 through the IVT returns after it", eax, [rm_int80_expected]
    mov eax, [rm_de_ip]
    CHECK_EQ "real mode: #DE through the IVT points at the div", eax, [rm_de_expected]

    ; Unreal mode: DS loaded with the 4 GiB data segment before PE is cleared keeps its limit,
    ; so a 32-bit address above 1 MiB works in real mode.
    mov byte [rm_unreal], 1
    call real_mode_trip
    CHECK_EQ "unreal mode: read above 1 MiB", [rm_high_read], 0xC0FFEE11
    CHECK_EQ "unreal mode: write above 1 MiB", [HIGH_ADDR + 4], 0x600DF00D

    ; Long mode.
    mov eax, long_main
    call lm_enter
    mov ecx, MSR_EFER
    rdmsr
    shr eax, 10
    and eax, 1
    mov [pm_lma], eax
    CHECK_EQ "long mode: EFER.LMA set", [lm_lma], 1
    CHECK_EQ "long mode: r8..r15 low half", [lm_r15], 0x9ABCDEF0
    CHECK_EQ "long mode: r8..r15 high half", [lm_r15 + 4], 0x12345678
    CHECK_EQ "long mode: 64-bit add carries into bit 32", [lm_add64 + 4], 1
    CHECK_EQ "long mode: rip-relative lea", [lm_rip_ok], 1
    CHECK_EQ "long mode: 0x48 is REX.W, not dec", [lm_rex], 0x100000000 >> 32
    CHECK_EQ "compatibility mode: 0x48 is dec eax", [cm_dec], 0xFFFFFFFF
    CHECK_EQ "compatibility mode: 32-bit push width", [cm_push_width], 4
    CHECK_EQ "compatibility mode: returned to 64-bit", [lm_after_compat], 1
    CHECK_EQ "out of long mode: EFER.LMA clear", [pm_lma], 0
    ret

; Goes to real mode and back. rm_unreal selects the unreal-mode checks.
real_mode_trip:
    pushad
    mov [pm_esp], esp
    mov ax, SEL_DATA16          ; 64 KiB limits in the hidden parts before leaving PE
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    cmp byte [rm_unreal], 0
    jne .keep_flat_ds
    mov ds, ax
.keep_flat_ds:
    jmp SEL_CODE16:RM(.pm16)
bits 16
.pm16:
    mov eax, cr0
    and eax, ~1
    mov cr0, eax
    jmp RM_CS:RM(.rm)
.rm:
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    cmp byte [cs:RM(rm_unreal)], 0
    jne .unreal
    mov ax, RM_CS               ; plain real mode: data through DS = 0xFFFF
    mov ds, ax
    mov eax, cr0
    and eax, 1
    mov [RM(rm_cr0_pe)], eax
    mov ax, cs
    mov [RM(rm_cs)], ax
    mov ax, 0x1234
    mov es, ax
    mov dword [es:0x0010], 0xA5A55A5A
    mov ax, 0xFFFF
    add ax, 2
    mov [RM(rm_wrap)], ax
    ; Software interrupt and a #DE through the real-mode IVT at linear 0 (IDTR as at reset).
    lidt [RM(rm_ivt_pointer)]
    xor ax, ax
    mov es, ax
    mov word [es:0x80 * 4], RM(.int80_handler)
    mov word [es:0x80 * 4 + 2], RM_CS
    mov word [es:0 * 4], RM(.de_handler)
    mov word [es:0 * 4 + 2], RM_CS
    int 0x80
.int80_next:
    mov word [RM(rm_int80_expected)], RM(.int80_next)
    xor dx, dx
    mov ax, 1
    xor cx, cx
.de_insn:
    div cx
    mov word [RM(rm_de_expected)], RM(.de_insn)
    jmp .back
.unreal:
    xor ax, ax                  ; DS = 0: base 0, the 4 GiB limit kept from protected mode
    mov ds, ax
    mov eax, [dword HIGH_ADDR]
    mov [dword rm_high_read], eax
    mov dword [dword HIGH_ADDR + 4], 0x600DF00D
.back:
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp dword SEL_CODE32:.pm32
; Real-mode handlers (DS = 0xFFFF): record the return IP from the 3-word frame.
.int80_handler:
    push bp
    mov bp, sp
    mov ax, [bp + 2]
    mov [RM(rm_int80_ip)], ax
    pop bp
    iret
.de_handler:
    push bp
    mov bp, sp
    mov ax, [bp + 2]
    mov [RM(rm_de_ip)], ax
    add word [bp + 2], 2        ; step over the 2-byte div
    pop bp
    iret
bits 32
.pm32:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [pm_esp]
    lidt [exc_idt_pointer]
    mov eax, cr0
    and eax, 1
    mov [pm_cr0_pe], eax
    popad
    ret

bits 64
long_main:
    mov ecx, MSR_EFER
    rdmsr
    shr eax, 10
    and eax, 1
    mov [rel lm_lma], eax
    mov r8, 0x123456789ABCDEF0
    mov r15, r8
    mov [rel lm_r15], r15
    mov rax, 0xFFFFFFFF
    add rax, 1
    mov [rel lm_add64], rax
    lea rbx, [rel long_main]
    mov eax, long_main
    cmp rax, rbx
    sete al
    movzx eax, al
    mov [rel lm_rip_ok], eax
    mov eax, 0xFFFFFFFF
    db 0x48, 0x05               ; REX.W add rax, imm32 (sign-extended 1)
    dd 1
    shr rax, 32
    mov [rel lm_rex], eax
    call far dword [rel compat_ptr]   ; m16:32: pushes 32-bit CS and EIP
    mov dword [rel lm_after_compat], 1
    LM_LEAVE

bits 32
compat_code:
    xor eax, eax
    db 0x48                     ; dec eax in a 32-bit segment
    mov [cm_dec], eax
    mov ebx, esp
    push eax
    sub ebx, esp
    pop eax
    mov [cm_push_width], ebx
    retf

bits 32
align 8
compat_ptr:     dd compat_code
                dw SEL_CODE32
align 4
pm_esp:         dd 0
rm_cr0_pe:      dd -1
rm_cs:          dd 0
rm_wrap:        dd 0
rm_int80_ip:    dd 0
rm_int80_expected: dd 0xFFFF
rm_de_ip:       dd 0
rm_de_expected: dd 0xFFFF
rm_high_read:   dd 0
pm_cr0_pe:      dd 0
lm_lma:         dd 0
lm_r15:         dq 0
lm_add64:       dq 0
lm_rip_ok:      dd 0
lm_rex:         dd 0
cm_dec:         dd 0
cm_push_width:  dd 0
lm_after_compat: dd 0
pm_lma:         dd -1
%include "lib/end.inc"
