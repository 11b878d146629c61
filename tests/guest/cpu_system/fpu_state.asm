; Saving and restoring the x87/SSE state as a whole, in 32-bit protected mode:
; - FXRSTOR/FXSAVE round trip of a crafted image (SDM vol. 1 10.5.1, Table 10-2): FCW, FSW,
;   abridged FTW, MXCSR, MXCSR_MASK, ST0-7 and XMM0-7 land where the table says;
; - FXSAVE needs 16-byte alignment (#GP(0)), FXRSTOR rejects reserved MXCSR bits (#GP(0));
; - CR0.TS makes FXSAVE and LDMXCSR #NM, CR0.EM makes LDMXCSR #UD, CR4.OSFXSR clear makes LDMXCSR
;   #UD (SDM vol. 3 2.5, vol. 2 exception tables);
; - the XSAVE feature set (SDM vol. 1 ch. 13): XGETBV #UD without CR4.OSXSAVE, CPUID.1:ECX.OSXSAVE
;   follows CR4, XSETBV rejects XCR0 without x87 or with unknown bits, CPUID.(0DH,0) sizes equal
;   what XSAVE writes (nothing past them), XSTATE_BV handling for partial masks, standard-form
;   XRSTOR of an initial SSE component (registers zeroed, MXCSR still loaded), header checks, and
;   XSAVEC's compacted header.
%include "lib/multiboot.inc"
%include "sys.inc"

CR0_EM      equ 1 << 2
CR0_TS      equ 1 << 3
CR4_OSFXSR  equ 1 << 9
CR4_OSXMMEXCPT equ 1 << 10
CR4_OSXSAVE equ 1 << 18
FILL        equ 0xA5A5A5A5

test_main:
    call sys_init
    mov eax, 1
    cpuid
    mov [leaf1_ecx], ecx
    and edx, (1 << 0) | (1 << 24) | (1 << 25) | (1 << 26)
    CHECK_EQ "CPUID.1:EDX has FPU, FXSR, SSE, SSE2", edx, (1 << 0) | (1 << 24) | (1 << 25) | (1 << 26)
    mov eax, [leaf1_ecx]
    and eax, 1 << 26
    CHECK_EQ "CPUID.1:ECX has XSAVE", eax, 1 << 26
    mov eax, [leaf1_ecx]
    and eax, 1 << 27
    CHECK_EQ "CPUID.1:ECX.OSXSAVE clear while CR4.OSXSAVE is", eax, 0

    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, 1 << 1                  ; MP
    mov cr0, eax
    mov eax, cr4
    or eax, CR4_OSFXSR | CR4_OSXMMEXCPT
    mov cr4, eax

    ; ---- FXRSTOR a crafted image, FXSAVE it back ----
    call build_image
    fxrstor [image]
    mov edi, saved
    mov ecx, 512 / 4
    mov eax, FILL
    rep stosd
    fxsave [saved]
    movzx eax, word [saved + 0]
    CHECK_EQ "FXSAVE: FCW", eax, 0x027F
    movzx eax, word [saved + 2]
    CHECK_EQ "FXSAVE: FSW (TOP=3, C1)", eax, 0x1A00
    movzx eax, byte [saved + 4]
    CHECK_EQ "FXSAVE: abridged FTW", eax, 0x3C
    CHECK_EQ "FXSAVE: MXCSR", [saved + 24], 0x9FC0
    CHECK_EQ "FXSAVE: MXCSR_MASK (DAZ writable)", [saved + 28], 0xFFFF
    mov esi, 32
.st_check:
    mov eax, [image + esi]
    cmp eax, [saved + esi]
    jne .st_bad
    mov eax, [image + esi + 4]
    cmp eax, [saved + esi + 4]
    jne .st_bad
    movzx eax, word [image + esi + 8]
    movzx edx, word [saved + esi + 8]
    cmp eax, edx
    jne .st_bad
    add esi, 16
    cmp esi, 160
    jb .st_check
.st_bad:
    CHECK_EQ "FXSAVE: ST0-ST7 in stack order", esi, 160
    mov esi, 160
.xmm_check:
    mov eax, [image + esi]
    cmp eax, [saved + esi]
    jne .xmm_bad
    add esi, 4
    cmp esi, 160 + 8 * 16
    jb .xmm_check
.xmm_bad:
    CHECK_EQ "FXSAVE: XMM0-XMM7", esi, 160 + 8 * 16
    CHECK_EQ "FXSAVE: bytes 464-511 untouched", [saved + 464], FILL

    ; ---- alignment and MXCSR checks ----
    TRY .fx_align
    fxsave [saved + 8]
.fx_align:
    CHECK_EQ "FXSAVE to an 8-byte aligned address: #GP", [exc_vector], 13
    mov dword [image + 24], 0x10000 | 0x1F80
    TRY .fx_mxcsr
    fxrstor [image]
.fx_mxcsr:
    CHECK_EQ "FXRSTOR with a reserved MXCSR bit: #GP", [exc_vector], 13
    CHECK_EQ "FXRSTOR with a reserved MXCSR bit: error 0", [exc_error], 0
    stmxcsr [scratch]
    CHECK_EQ "the failed FXRSTOR left MXCSR alone", [scratch], 0x9FC0
    mov dword [scratch], 0x10000
    TRY .ld_rsvd
    ldmxcsr [scratch]
.ld_rsvd:
    CHECK_EQ "LDMXCSR with a reserved bit: #GP", [exc_vector], 13

    ; ---- CR0.TS, CR0.EM, CR4.OSFXSR ----
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    TRY .ts_fx
    fxsave [saved]
.ts_fx:
    CHECK_EQ "FXSAVE with CR0.TS: #NM", [exc_vector], 7
    TRY .ts_ld
    ldmxcsr [mxcsr_default]
.ts_ld:
    CHECK_EQ "LDMXCSR with CR0.TS: #NM", [exc_vector], 7
    clts
    mov eax, cr0
    or eax, CR0_EM
    mov cr0, eax
    TRY .em_ld
    ldmxcsr [mxcsr_default]
.em_ld:
    CHECK_EQ "LDMXCSR with CR0.EM: #UD", [exc_vector], 6
    mov eax, cr0
    and eax, ~CR0_EM
    mov cr0, eax
    mov eax, cr4
    and eax, ~CR4_OSFXSR
    mov cr4, eax
    TRY .osfxsr_ld
    ldmxcsr [mxcsr_default]
.osfxsr_ld:
    CHECK_EQ "LDMXCSR with CR4.OSFXSR clear: #UD", [exc_vector], 6
    mov eax, cr4
    or eax, CR4_OSFXSR
    mov cr4, eax

    ; ---- XSAVE feature set ----
    TRY .xgetbv_ud
    xor ecx, ecx
    xgetbv
.xgetbv_ud:
    CHECK_EQ "XGETBV without CR4.OSXSAVE: #UD", [exc_vector], 6
    mov eax, cr4
    or eax, CR4_OSXSAVE
    mov cr4, eax
    mov eax, 1
    cpuid
    and ecx, 1 << 27
    CHECK_EQ "CPUID.1:ECX.OSXSAVE follows CR4", ecx, 1 << 27
    xor ecx, ecx
    xgetbv
    and eax, 1
    CHECK_EQ "XCR0 has x87 enabled", eax, 1
    TRY .xsetbv_0
    xor ecx, ecx
    xor eax, eax
    xor edx, edx
    xsetbv
.xsetbv_0:
    CHECK_EQ "XSETBV without x87: #GP", [exc_vector], 13
    TRY .xsetbv_avx
    xor ecx, ecx
    mov eax, 0x103                  ; bit 8 (PT) is a supervisor component, never in XCR0
    xor edx, edx
    xsetbv
.xsetbv_avx:
    CHECK_EQ "XSETBV with a component XCR0 cannot hold: #GP", [exc_vector], 13
    xor ecx, ecx
    mov eax, 3
    xor edx, edx
    xsetbv
    xor ecx, ecx
    xgetbv
    CHECK_EQ "XCR0 = x87 | SSE", eax, 3
    mov eax, 0xD
    xor ecx, ecx
    cpuid
    mov [xsave_size], ebx
    and eax, 3
    CHECK_EQ "CPUID.(0DH,0):EAX has x87 and SSE", eax, 3
    CHECK_EQ "CPUID.(0DH,0):EBX = legacy region + header", ebx, 576
    cmp ecx, ebx
    setae al
    movzx eax, al
    CHECK_EQ "CPUID.(0DH,0):ECX >= EBX", eax, 1

    ; The state is not in its initial configuration (FXRSTOR above), so XSAVE sets both bits.
    fxrstor [image_ok]
    call fill_area
    mov eax, 3
    xor edx, edx
    xsave [area]
    CHECK_EQ "XSAVE: XSTATE_BV = 3", [area + 512], 3
    CHECK_EQ "XSAVE: XSTATE_BV high half", [area + 516], 0
    CHECK_EQ "XSAVE: XCOMP_BV stays zero", [area + 520], 0
    mov esi, [xsave_size]
    CHECK_EQ "XSAVE writes nothing past CPUID.(0DH,0):EBX", [area + esi], FILL
    CHECK_EQ "XSAVE: MXCSR in the legacy region", [area + 24], 0x9FC0
    CHECK_EQ "XSAVE: XMM0 low dword", [area + 160], [image_ok + 160]

    call fill_area
    mov dword [area + 512], 0x2     ; XSAVE keeps XSTATE_BV bits outside RFBM
    mov eax, 1
    xor edx, edx
    xsave [area]
    CHECK_EQ "XSAVE x87 only: XSTATE_BV = 3 (bit 1 kept)", [area + 512], 3
    CHECK_EQ "XSAVE x87 only: MXCSR not written", [area + 24], FILL
    CHECK_EQ "XSAVE x87 only: XMM area not written", [area + 160], FILL
    movzx eax, word [area]
    CHECK_EQ "XSAVE x87 only: FCW written", eax, 0x027F

    ; Standard-form XRSTOR with XSTATE_BV[1] = 0: XMM registers take their initial value (zero),
    ; and MXCSR is still loaded from the area because RFBM[1] = 1.
    mov eax, 3
    xor edx, edx
    xsave [area]
    mov dword [area + 512], 1
    mov dword [area + 24], 0x1F80 | 0x8000  ; FTZ
    mov eax, 3
    xor edx, edx
    xrstor [area]
    stmxcsr [scratch]
    CHECK_EQ "XRSTOR: MXCSR loaded with RFBM[1] even when XSTATE_BV[1] = 0", [scratch], 0x9F80
    fxsave [saved]
    mov eax, [saved + 160]
    or eax, [saved + 164]
    or eax, [saved + 168]
    or eax, [saved + 172]
    CHECK_EQ "XRSTOR: XMM0 reset to zero", eax, 0

    TRY .xrstor_bv
    mov dword [area + 512], 4
    mov eax, 3
    xor edx, edx
    xrstor [area]
.xrstor_bv:
    CHECK_EQ "XRSTOR with XSTATE_BV outside XCR0: #GP", [exc_vector], 13
    TRY .xrstor_hdr
    mov dword [area + 512], 3
    mov dword [area + 528], 1       ; header bytes 16-23 must be zero
    mov eax, 3
    xor edx, edx
    xrstor [area]
.xrstor_hdr:
    CHECK_EQ "XRSTOR with a non-zero reserved header byte: #GP", [exc_vector], 13
    mov dword [area + 528], 0
    TRY .xsave_align
    mov eax, 3
    xor edx, edx
    xsave [area + 16]
.xsave_align:
    CHECK_EQ "XSAVE to a 16-byte aligned address: #GP", [exc_vector], 13

    mov eax, 0xD
    mov ecx, 1
    cpuid
    and eax, 2
    jz .no_xsavec
    fxrstor [image_ok]
    call fill_area
    mov eax, 3
    xor edx, edx
    xsavec [area]
    CHECK_EQ "XSAVEC: XSTATE_BV = 3", [area + 512], 3
    CHECK_EQ "XSAVEC: XCOMP_BV low = RFBM", [area + 520], 3
    CHECK_EQ "XSAVEC: XCOMP_BV bit 63", [area + 524], 0x80000000
    mov eax, 3
    xor edx, edx
    xrstor [area]
    stmxcsr [scratch]
    CHECK_EQ "compacted XRSTOR restores MXCSR", [scratch], 0x9FC0
.no_xsavec:
    jmp test_finish

; image: FCW 027F, FSW with TOP=3 and C1, ST registers R3-R6 valid (abridged FTW 3C), MXCSR 9FC0
; (FTZ, DAZ, all masked), distinct patterns in ST0-7 and XMM0-7.
build_image:
    mov edi, image
    xor eax, eax
    mov ecx, 512 / 4
    rep stosd
    mov word [image + 0], 0x027F
    mov word [image + 2], 0x1A00
    mov byte [image + 4], 0x3C
    mov dword [image + 24], 0x9FC0
    mov dword [image + 28], 0xFFFF
    xor ecx, ecx
    mov edi, image + 32
.st:
    mov eax, ecx
    imul eax, 0x11111111
    mov [edi], eax
    or eax, 0x80000000
    mov [edi + 4], eax
    mov word [edi + 8], 0x3FFF
    add edi, 16
    inc ecx
    cmp ecx, 8
    jb .st
    xor ecx, ecx
.xmm:
    mov eax, ecx
    imul eax, 0x01020304
    add eax, 0x10203040
    mov [image + 160 + ecx * 4], eax
    inc ecx
    cmp ecx, 32
    jb .xmm
    mov esi, image
    mov edi, image_ok
    mov ecx, 512 / 4
    rep movsd
    ret

fill_area:
    mov edi, area
    mov ecx, 1024 / 4
    mov eax, FILL
    rep stosd
    mov dword [area + 512], 0
    mov dword [area + 516], 0
    mov dword [area + 520], 0
    mov dword [area + 524], 0
    mov dword [area + 528], 0
    mov dword [area + 532], 0
    ret

leaf1_ecx:      dd 0
xsave_size:     dd 0
scratch:        dd 0
mxcsr_default:  dd 0x1F80
align 64
image:          times 512 db 0
image_ok:       times 512 db 0
saved:          times 512 db 0
align 64
area:           times 1024 db 0

%include "lib/end.inc"
