; x87/SSE state in 64-bit mode:
; - XMM8-XMM15 (REX.R/REX.B) are 8 more registers: integer, shuffle and float operations among
;   them and with XMM0-XMM7 give the right results and leave the other registers alone (SDM vol. 1
;   3.2.1, 10.2.2);
; - with the x87 code and its operand at addresses above 4 GiB (a second PML4 entry aliases the
;   first GiB at 512 GiB), FXSAVE64 (REX.W) stores the 64-bit FIP and FDP and FXSAVE (no REX.W)
;   their low 32 bits; both store XMM8-XMM15 in 64-bit mode; FXRSTOR64 restores the 64-bit
;   pointers (SDM vol. 1 10.5.1 Tables 10-2/10-3, vol. 2 FXSAVE "64-bit mode" layouts).
%include "lib/multiboot.inc"
%include "cpu_modes/pm_exc.inc"
%include "cpu_modes/lm.inc"
%include "cpu_modes/lm_exc.inc"

CR0_MP      equ 1 << 1
CR0_EM      equ 1 << 2
CR0_TS      equ 1 << 3
CR0_NE      equ 1 << 5
CR4_OSFXSR  equ 1 << 9
HIGH        equ 0x0000008000000000  ; PML4[1] -> the same PDPT: 512 GiB + x aliases x

; CHECK_XMM name, register number, dword index, expected
%macro CHECK_XMM 4
    CHECK_EQ %1, [regs + 16 * %2 + 4 * %3], %4
%endmacro

test_main:
    call exc_setup
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_MP | CR0_NE
    mov cr0, eax
    mov eax, cr4
    or eax, CR4_OSFXSR
    mov cr4, eax
    mov eax, long_main
    call lm_enter
    CHECK_EQ "64-bit part ran to the end without an exception", [long_done], 1
    CHECK_EQ "no exception in 64-bit mode", [x_count], 0

    CHECK_XMM "PADDD xmm8, xmm15 lane 0", 8, 0, 0x170
    CHECK_XMM "PADDD xmm8, xmm15 lane 3", 8, 3, 0x176
    CHECK_XMM "PSHUFD xmm9, xmm14, 0x1B lane 0", 9, 0, 0xE3
    CHECK_XMM "PSHUFD xmm9, xmm14, 0x1B lane 3", 9, 3, 0xE0
    CHECK_XMM "MOVDQA xmm10, xmm13 lane 0", 10, 0, 0xD0
    CHECK_XMM "MOVDQA xmm10, xmm13 lane 3", 10, 3, 0xD3
    CHECK_XMM "PXOR xmm11, xmm12 lane 1", 11, 1, 0x70
    CHECK_XMM "CVTDQ2PS, MULPS xmm12: 192.0^2", 12, 0, 0x47100000
    CHECK_XMM "MOVDQA xmm13, xmm1 (zero)", 13, 2, 0
    CHECK_XMM "xmm14 unchanged", 14, 1, 0xE1
    CHECK_XMM "xmm15 unchanged", 15, 3, 0xF3
    CHECK_XMM "MOVDQA xmm0, xmm15 lane 0", 0, 0, 0xF0
    CHECK_XMM "MOVDQA xmm0, xmm15 lane 3", 0, 3, 0xF3
    CHECK_XMM "PADDD xmm3, xmm9 lane 2", 3, 2, 0xE1
    xor eax, eax
    mov esi, regs + 16 * 4
.zero:
    or eax, [esi]
    add esi, 4
    cmp esi, regs + 16 * 8
    jb .zero
    CHECK_EQ "XMM4-XMM7 stayed zero", eax, 0

    ; FXSAVE64: 64-bit FIP at 8, 64-bit FDP at 16
    movzx eax, word [fx64 + 6]
    CHECK_EQ "FXSAVE64: FOP of FLD m64 [rbx] (DD 03)", eax, 0x503
    CHECK_EQ "FXSAVE64: FIP low", [fx64 + 8], long_main.high_site
    CHECK_EQ "FXSAVE64: FIP high", [fx64 + 12], HIGH >> 32
    CHECK_EQ "FXSAVE64: FDP low", [fx64 + 16], fp_data
    CHECK_EQ "FXSAVE64: FDP high", [fx64 + 20], HIGH >> 32
    CHECK_EQ "FXSAVE (no REX.W): FIP low 32 bits", [fx32 + 8], long_main.high_site
    CHECK_EQ "FXSAVE (no REX.W): FDP low 32 bits", [fx32 + 16], fp_data
    CHECK_EQ "FXRSTOR64 then FXSAVE64: FIP high", [fx64b + 12], HIGH >> 32
    CHECK_EQ "FXRSTOR64 then FXSAVE64: FDP high", [fx64b + 20], HIGH >> 32
    CHECK_EQ "FXRSTOR64 then FXSAVE64: FDP low", [fx64b + 16], fp_data
    CHECK_EQ "FXSAVE64: ST0 significand low (pi)", [fx64 + 32], 0x2168C000
    CHECK_EQ "FXSAVE64: ST0 significand high (pi)", [fx64 + 36], 0xC90FDAA2
    ; XMM0-XMM15 at 160 + 16 * n in both images
    mov esi, 0
.xmm:
    mov eax, [regs + esi]
    cmp eax, [fx64 + 160 + esi]
    jne .xmm_bad
    cmp eax, [fx32 + 160 + esi]
    jne .xmm_bad
    add esi, 4
    cmp esi, 16 * 16
    jb .xmm
.xmm_bad:
    CHECK_EQ "FXSAVE64 and FXSAVE store XMM0-XMM15 in 64-bit mode", esi, 16 * 16
    ret

bits 64
long_main:
    call lm_exc_setup
    TRY64 .leave
    mov qword [LM_PML4 + 8], LM_PDPT | 3
    mov rax, cr3
    mov cr3, rax

    ; ---- XMM8-XMM15 ----
%assign r 0
%rep 8
    pxor xmm %+ r, xmm %+ r
%assign r r + 1
%endrep
%assign r 8
%rep 8
    movdqu xmm %+ r, [rel pattern + 16 * (r - 8)]
%assign r r + 1
%endrep
    paddd xmm8, xmm15
    pshufd xmm9, xmm14, 0x1B
    movdqa xmm10, xmm13
    pxor xmm11, xmm12
    cvtdq2ps xmm12, xmm12
    mulps xmm12, xmm12
    movdqa xmm0, xmm15
    movdqa xmm13, xmm1
    paddd xmm3, xmm9
%assign r 0
%rep 16
    movdqu [rel regs + 16 * r], xmm %+ r
%assign r r + 1
%endrep

    ; ---- an x87 load executed at, and from, addresses above 4 GiB ----
    fninit
    mov rbx, HIGH + fp_data
    mov rax, HIGH + .high_site
    jmp rax
.high_site:
    fld qword [rbx]
    mov rax, .back
    jmp rax
.back:
    fxsave64 [rel fx64]
    fxsave [rel fx32]
    fninit
    fxrstor64 [rel fx64]
    fxsave64 [rel fx64b]
    mov dword [rel long_done], 1
.leave:
    LM_LEAVE
bits 32

align 16
pattern:
%assign r 8
%rep 8
    dd 0x10 * r, 0x10 * r + 1, 0x10 * r + 2, 0x10 * r + 3
%assign r r + 1
%endrep
regs:       times 16 * 16 db 0
fx64:       times 512 db 0
fx32:       times 512 db 0
fx64b:      times 512 db 0
fp_data:    dq 0x400921FB54442D18   ; pi
long_done:  dd 0

%include "lib/end.inc"
