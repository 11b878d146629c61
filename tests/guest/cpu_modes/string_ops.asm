; String instructions: REP MOVS/STOS in both directions and with 16- and 32-bit address sizes,
; REPE/REPNE CMPS/SCAS termination, and a REP MOVSB that faults on a not-present page part-way:
; the #PF leaves ECX/ESI/EDI at the progress made, and the instruction resumes after the page is
; mapped. Intel SDM vol. 2B "REP/REPE/REPZ/REPNE/REPNZ", "MOVS", "CMPS", "SCAS"; vol. 3, 6.5
; (faults are restartable; repeated string instructions update registers per iteration).
%include "lib/multiboot.inc"
%include "pm_exc.inc"

PD          equ 0x200000
PT0         equ 0x201000
BUF         equ 0x300000        ; source page; BUF + 0x1000 is the destination page
NP_PAGE     equ 0x305000        ; not present until the fault is handled

test_main:
    call exc_setup

    ; REP STOSD forward, then REP MOVSB forward.
    cld
    mov edi, BUF
    mov eax, 0x01020304
    mov ecx, 16
    rep stosd
    CHECK_EQ "rep stosd: ECX = 0", ecx, 0
    CHECK_EQ "rep stosd: EDI advanced", edi, BUF + 64
    CHECK_EQ "rep stosd: last dword", [BUF + 60], 0x01020304
    mov esi, pattern
    mov edi, BUF
    mov ecx, pattern_len
    rep movsb
    mov ebx, esi                ; CHECK_EQ uses ESI
    CHECK_EQ "rep movsb forward: data", [BUF + 4], '4567'
    CHECK_EQ "rep movsb forward: ESI", ebx, pattern + pattern_len

    ; REP MOVSD backward (DF = 1): copies from the top down, pointers end below the start.
    std
    mov esi, pattern + 12
    mov edi, BUF + 0x100 + 12
    mov ecx, 4
    rep movsd
    cld
    CHECK_EQ "rep movsd backward: first dword", [BUF + 0x100], '0123'
    CHECK_EQ "rep movsd backward: last dword", [BUF + 0x10C], 'CDEF'
    CHECK_EQ "rep movsd backward: EDI", edi, BUF + 0x100 - 4
    ; Overlapping backward copy (memmove up by one byte).
    std
    mov esi, BUF + 0x100 + 14
    mov edi, BUF + 0x100 + 15
    mov ecx, 15
    rep movsb
    cld
    CHECK_EQ "overlapping backward movsb", [BUF + 0x100], '0012'

    ; 16-bit address size: REP uses CX and SI/DI wrap at 64 KiB; upper halves are untouched.
    mov edi, 0xABCD0000 + 0x8000
    mov ecx, 0x55550003
    mov al, 0x5A
    a16 rep stosb
    CHECK_EQ "a16 rep stosb: CX counted, ECX high kept", ecx, 0x55550000
    CHECK_EQ "a16 rep stosb: DI advanced, EDI high kept", edi, 0xABCD8003
    mov eax, [0x8000]
    and eax, 0x00FFFFFF
    CHECK_EQ "a16 rep stosb: stored at DI", eax, 0x005A5A5A
    ; SI wraps from 0xFFFF to 0x0000.
    mov byte [0xFFFF], 0x11
    mov byte [0x0000], 0x22
    mov esi, 0xFFFF
    mov edi, 0x9000
    mov ecx, 2
    a16 rep movsb
    mov ebx, esi
    CHECK_EQ "a16 movsb: SI wrapped to 1", ebx, 1
    mov eax, [0x9000]
    and eax, 0xFFFF
    CHECK_EQ "a16 movsb: bytes across the wrap", eax, 0x2211

    ; REPE CMPSB stops at the first difference; REPNE SCASB stops at the first match.
    mov esi, str_a
    mov edi, str_b
    mov ecx, 16
    repe cmpsb
    mov ebx, esi
    setne al
    movzx eax, al
    CHECK_EQ "repe cmpsb: stopped on a mismatch (ZF=0)", eax, 1
    CHECK_EQ "repe cmpsb: ECX after 6 compares", ecx, 10
    CHECK_EQ "repe cmpsb: ESI one past the mismatch", ebx, str_a + 6
    ; CMPS subtracts [EDI] from [ESI]: 'f' (0x66) - 'X' (0x58) leaves CF = 0, and the
    ; reverse order sets it.
    mov esi, str_a + 5
    mov edi, str_b + 5
    cmpsb
    setc al
    movzx eax, al
    CHECK_EQ "cmpsb: [esi] above [edi], CF = 0", eax, 0
    mov esi, str_b + 5
    mov edi, str_a + 5
    cmpsb
    setc al
    movzx eax, al
    CHECK_EQ "cmpsb: [esi] below [edi], CF = 1", eax, 1
    ; SCAS compares AL with [EDI] (AL - [EDI]).
    mov edi, str_a
    mov al, 0x60                ; below 'a'
    scasb
    setc al
    movzx eax, al
    CHECK_EQ "scasb: AL below [edi], CF = 1", eax, 1
    mov esi, str_a
    mov edi, str_a
    mov ecx, 8
    repe cmpsb
    sete al
    movzx eax, al
    CHECK_EQ "repe cmpsb equal: ZF=1, ran out", eax, 1
    CHECK_EQ "repe cmpsb equal: ECX = 0", ecx, 0
    mov edi, str_a
    mov ecx, 16
    mov al, 'e'
    repne scasb
    sete al
    movzx eax, al
    CHECK_EQ "repne scasb: found (ZF=1)", eax, 1
    CHECK_EQ "repne scasb: EDI one past the match", edi, str_a + 5
    CHECK_EQ "repne scasb: ECX", ecx, 11
    mov edi, str_a
    mov ecx, 4
    mov al, 'z'
    repne scasb
    setne al
    movzx eax, al
    CHECK_EQ "repne scasb: not found (ZF=0)", eax, 1
    CHECK_EQ "repne scasb: ECX = 0", ecx, 0
    ; REP with ECX = 0 does nothing, not even the flags of one compare.
    xor ecx, ecx
    mov edi, str_a
    xor eax, eax                ; ZF = 1
    mov al, 'z'
    repne scasb
    sete al
    movzx eax, al
    CHECK_EQ "ecx=0: flags unchanged", eax, 1
    CHECK_EQ "ecx=0: EDI unchanged", edi, str_a
    ; REPNE SCASW backward.
    std
    mov edi, words + 6
    mov ecx, 4
    mov ax, 0x2222
    repne scasw
    cld
    CHECK_EQ "std repne scasw: EDI two below the match", edi, words
    CHECK_EQ "std repne scasw: ECX", ecx, 1

    ; REP MOVSB into a not-present page faults after the bytes before it were copied.
    call paging_on
    mov esi, BUF
    mov edi, NP_PAGE - 10
    mov ecx, 30
    call exc_clear
    TRY .pf
    rep movsb
.pf:
    mov [saved_regs], ecx
    mov [saved_regs + 4], esi
    mov [saved_regs + 8], edi
    CHECK_EQ "faulting rep movsb: #PF", [exc_vector], 14
    CHECK_EQ "faulting rep movsb: CR2 is the page start", [exc_cr2], NP_PAGE
    CHECK_EQ "faulting rep movsb: error W", [exc_error], 2
    CHECK_EQ "faulting rep movsb: ECX = remaining", [saved_regs], 20
    CHECK_EQ "faulting rep movsb: ESI advanced", [saved_regs + 4], BUF + 10
    CHECK_EQ "faulting rep movsb: EDI at the page", [saved_regs + 8], NP_PAGE
    CHECK_EQ "faulting rep movsb: EIP is the movsb", [exc_eip], .pf - 2
    ; Map the page and resume the instruction where it stopped.
    or dword [PT0 + (NP_PAGE >> 12) * 4], 1
    invlpg [NP_PAGE]
    mov ecx, [saved_regs]
    mov esi, [saved_regs + 4]
    mov edi, [saved_regs + 8]
    rep movsb
    CHECK_EQ "resumed rep movsb: ECX = 0", ecx, 0
    mov esi, BUF
    mov edi, NP_PAGE - 10
    mov ecx, 30
    repe cmpsb
    CHECK_EQ "resumed rep movsb: all 30 bytes copied", ecx, 0
    ; Backward (DF = 1) REP MOVSD whose source runs down into the not-present page: #PF on
    ; the read (error 0), registers at the progress made.
    and dword [PT0 + (NP_PAGE >> 12) * 4], ~1
    invlpg [NP_PAGE]
    std
    mov esi, NP_PAGE + 0x1000 + 8       ; three dwords on the page above, then NP_PAGE
    mov edi, BUF + 0x800
    mov ecx, 10
    call exc_clear
    TRY .pf2
    rep movsd
.pf2:
    cld
    mov [saved_regs], ecx
    mov [saved_regs + 4], esi
    CHECK_EQ "backward rep movsd read fault: #PF", [exc_vector], 14
    CHECK_EQ "backward rep movsd read fault: error 0", [exc_error], 0
    CHECK_EQ "backward rep movsd read fault: CR2", [exc_cr2], NP_PAGE + 0xFFC
    CHECK_EQ "backward rep movsd read fault: ECX", [saved_regs], 7
    CHECK_EQ "backward rep movsd read fault: ESI", [saved_regs + 4], NP_PAGE + 0xFFC
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax
    ret

; Identity-maps 0-4 MiB except NP_PAGE.
paging_on:
    mov edi, PT0
    mov eax, 3
    mov ecx, 1024
.pte:
    stosd
    add eax, 0x1000
    loop .pte
    and dword [PT0 + (NP_PAGE >> 12) * 4], ~1
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

pattern:        db "0123456789ABCDEF"
pattern_len     equ $ - pattern
str_a:          db "abcdefghijklmnop"
str_b:          db "abcdeXghijklmnop"
align 2
words:          dw 0x1111, 0x2222, 0x3333, 0x4444
align 4
saved_regs:     dd 0, 0, 0
%include "lib/end.inc"
