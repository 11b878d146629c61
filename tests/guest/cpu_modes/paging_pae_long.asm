; PAE and 4-level paging: 2 MiB pages under legacy PAE (with accessed/dirty bits and execute-
; disable), then in long mode 2 MiB and 1 GiB pages (1 GiB only when CPUID reports Page1GB), NX
; faults with the I/D error bit, SMEP and SMAP when CPUID reports them, and global pages (CR4.PGE)
; that survive a CR3 reload while non-global ones are flushed. Intel SDM vol. 3, 4.4 "PAE Paging",
; 4.5 "4-Level Paging", 4.6 "Access Rights", 4.7 "Page-Fault Exceptions", 4.10.2.4 "Global Pages".
%include "lib/multiboot.inc"
%include "pm_exc.inc"
%include "lm.inc"
%include "lm_exc.inc"

PAE_PDPT    equ 0x210000
PAE_PD0     equ 0x211000        ; 0-1 GiB identity, 2 MiB pages
PAE_PD1     equ 0x212000        ; 1-2 GiB
FRAME_A     equ 0x600000        ; 2 MiB frames
FRAME_B     equ 0x800000
FRAME_C     equ 0xA00000
P   equ 1
RW  equ 2
US  equ 4
A   equ 0x20
D   equ 0x40
PS  equ 0x80
G   equ 0x100

test_main:
    call exc_setup
    mov dword [FRAME_A], 0xAAAA0001
    mov dword [FRAME_B], 0xBBBB0002
    mov dword [FRAME_C], 0xCCCC0003
    mov byte [FRAME_A + 0x1000], 0xC3   ; ret

    ; --- Legacy PAE paging, 32-bit protected mode.
    mov edi, PAE_PDPT
    xor eax, eax
    mov ecx, 3 * 1024
    rep stosd
    mov dword [PAE_PDPT], PAE_PD0 | P
    mov dword [PAE_PDPT + 8], PAE_PD1 | P
    mov edi, PAE_PD0
    mov eax, PS | RW | P
    mov ecx, 512
.pde:
    mov [edi], eax
    add eax, 0x200000
    add edi, 8
    loop .pde
    mov dword [PAE_PD1], FRAME_B | PS | RW | P      ; linear 1 GiB -> FRAME_B
    mov dword [PAE_PD1 + 8], FRAME_A | PS | RW | P  ; linear 1 GiB + 2 MiB -> FRAME_A, XD below
    mov dword [PAE_PD1 + 12], 0x80000000
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1 << 11                 ; NXE
    wrmsr
    mov eax, cr4
    or eax, 1 << 5
    mov cr4, eax
    mov eax, PAE_PDPT
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    mov eax, [0x40000000]
    CHECK_EQ "PAE: 2 MiB page maps its frame", eax, 0xBBBB0002
    mov eax, [PAE_PD1]
    and eax, A | D
    CHECK_EQ "PAE: read sets A, not D", eax, A
    mov dword [0x40000000 + 0x1FFFFC], 0
    mov eax, [PAE_PD1]
    and eax, A | D
    CHECK_EQ "PAE: write sets D", eax, A | D
    mov eax, [0x40200000]
    CHECK_EQ "PAE: an XD page is readable", eax, 0xAAAA0001
    call exc_clear
    TRY .pae_nx
    mov eax, 0x40201000
    call eax
.pae_nx:
    CHECK_EQ "PAE: fetch from an XD page faults", [exc_vector], 14
    CHECK_EQ "PAE: XD fault error code P|I/D", [exc_error], P | 0x10
    CHECK_EQ "PAE: XD fault CR2", [exc_cr2], 0x40201000
    mov eax, cr0
    and eax, 0x7FFFFFFF
    mov cr0, eax

    ; --- 4-level paging.
    mov eax, 0x80000001
    cpuid
    shr edx, 26
    and edx, 1
    mov [has_1g], edx
    mov eax, 7
    xor ecx, ecx
    cpuid
    mov eax, ebx
    shr eax, 7
    and eax, 1
    mov [has_smep], eax
    shr ebx, 20
    and ebx, 1
    mov [has_smap], ebx
    mov eax, long_main
    call lm_enter

    CHECK_EQ "4-level: 2 MiB page maps its frame", [r_2m], 0xAAAA0001
    CHECK_EQ "4-level: 2 MiB PDE accessed", [r_2m_a], A
    cmp dword [has_1g], 0
    je .no_1g
    CHECK_EQ "4-level: 1 GiB page maps its frame", [r_1g], 0xCCCC0003
    jmp .after_1g
.no_1g:
    mov esi, skip_1g
    call serial_puts
.after_1g:
    CHECK_EQ "4-level: NX fetch faults", [r_nx_vec], 14
    CHECK_EQ "4-level: NX error code P|I/D", [r_nx_err], P | 0x10
    CHECK_EQ "4-level: NX CR2", [r_nx_cr2], LIN_NX + 0x1000
    CHECK_EQ "4-level: NX page still readable", [r_nx_read], 0xAAAA0001
    cmp dword [has_smep], 0
    je .no_smep
    CHECK_EQ "SMEP: supervisor fetch from a user page faults", [r_smep_vec], 14
    CHECK_EQ "SMEP: error code P|I/D", [r_smep_err], P | 0x10
    jmp .after_smep
.no_smep:
    mov esi, skip_smep
    call serial_puts
.after_smep:
    cmp dword [has_smap], 0
    je .no_smap
    CHECK_EQ "SMAP: supervisor read of a user page faults", [r_smap_vec], 14
    CHECK_EQ "SMAP: error code P", [r_smap_err], P
    CHECK_EQ "SMAP: with EFLAGS.AC the read works", [r_smap_ac_read], 0xAAAA0001
    jmp .after_smap
.no_smap:
    mov esi, skip_smap
    call serial_puts
.after_smap:
    CHECK_EQ "PGE: global page before", [r_g_before], 0xAAAA0001
    CHECK_EQ "PGE: non-global page before", [r_n_before], 0xAAAA0001
    ; A global translation is not invalidated by a CR3 write, but the SDM (4.10.2.4) lets the
    ; processor evict it anyway (QEMU's TCG flushes its whole TLB), so this is reported, not judged.
    mov esi, info_global_kept
    cmp dword [r_g_after_cr3], 0xAAAA0001
    je .report_global
    mov esi, info_global_evicted
.report_global:
    call serial_puts
    CHECK_EQ "PGE: non-global translation flushed by CR3 reload", [r_n_after_cr3], 0xBBBB0002
    CHECK_EQ "PGE: INVLPG flushes the global page", [r_g_after_invlpg], 0xBBBB0002
    ret

LIN_2M      equ 0x3FE00000      ; PD[511] remapped to FRAME_A
LIN_NX      equ 0x3FC00000      ; PD[510]: FRAME_A, XD
LIN_USER    equ 0x3FA00000      ; PD[509]: FRAME_A, user
LIN_G       equ 0x3F800000      ; PD[508]: global
LIN_N       equ 0x3F600000      ; PD[507]: not global
%define PDE(lin) (LM_PD + ((lin) >> 21) * 8)

bits 64
long_main:
    call lm_exc_setup
    mov qword [PDE(LIN_2M)], FRAME_A | PS | RW | P
    invlpg [abs LIN_2M]
    mov eax, [abs LIN_2M]
    mov [rel r_2m], eax
    mov eax, [PDE(LIN_2M)]
    and eax, A
    mov [rel r_2m_a], eax
    cmp dword [rel has_1g], 0
    je .skip_1g
    mov qword [LM_PDPT + 8], 0 | PS | RW | P   ; linear 1 GiB -> physical 0, one 1 GiB page
    mov rax, 0x40000000 + FRAME_C
    mov eax, [rax]
    mov [rel r_1g], eax
.skip_1g:
    ; NX
    mov ecx, MSR_EFER
    rdmsr
    or eax, 1 << 11
    wrmsr
    mov rax, FRAME_A | PS | RW | P | (1 << 63)
    mov [PDE(LIN_NX)], rax
    invlpg [abs LIN_NX]
    mov eax, [abs LIN_NX]
    mov [rel r_nx_read], eax
    TRY64 .nx_done
    mov eax, LIN_NX + 0x1000
    call rax
.nx_done:
    mov eax, [rel x_vector]
    mov [rel r_nx_vec], eax
    mov eax, [rel x_error]
    mov [rel r_nx_err], eax
    mov eax, [rel x_cr2]
    mov [rel r_nx_cr2], eax
    ; SMEP / SMAP on a user page (U set at every level for it).
    or qword [LM_PML4], US
    or qword [LM_PDPT], US
    mov qword [PDE(LIN_USER)], FRAME_A | PS | RW | US | P
    mov rax, cr3
    mov cr3, rax
    cmp dword [rel has_smep], 0
    je .skip_smep
    mov rax, cr4
    or rax, 1 << 20
    mov cr4, rax
    TRY64 .smep_done
    mov eax, LIN_USER + 0x1000
    call rax
.smep_done:
    mov rax, cr4
    and rax, ~(1 << 20)
    mov cr4, rax
    mov eax, [rel x_vector]
    mov [rel r_smep_vec], eax
    mov eax, [rel x_error]
    mov [rel r_smep_err], eax
.skip_smep:
    cmp dword [rel has_smap], 0
    je .skip_smap
    mov rax, cr4
    or rax, 1 << 21
    mov cr4, rax
    clac
    TRY64 .smap_done
    mov eax, [abs LIN_USER]
.smap_done:
    mov eax, [rel x_vector]
    mov [rel r_smap_vec], eax
    mov eax, [rel x_error]
    mov [rel r_smap_err], eax
    stac
    mov eax, [abs LIN_USER]
    mov [rel r_smap_ac_read], eax
    clac
    mov rax, cr4
    and rax, ~(1 << 21)
    mov cr4, rax
.skip_smap:
    ; Global pages.
    mov rax, cr4
    or rax, 1 << 7
    mov cr4, rax
    mov qword [PDE(LIN_G)], FRAME_A | PS | RW | G | P
    mov qword [PDE(LIN_N)], FRAME_A | PS | RW | P
    invlpg [abs LIN_G]
    invlpg [abs LIN_N]
    mov eax, [abs LIN_G]
    mov [rel r_g_before], eax
    mov eax, [abs LIN_N]
    mov [rel r_n_before], eax
    mov qword [PDE(LIN_G)], FRAME_B | PS | RW | G | P
    mov qword [PDE(LIN_N)], FRAME_B | PS | RW | P
    mov rax, cr3
    mov cr3, rax
    mov eax, [abs LIN_G]
    mov [rel r_g_after_cr3], eax
    mov eax, [abs LIN_N]
    mov [rel r_n_after_cr3], eax
    invlpg [abs LIN_G]
    mov eax, [abs LIN_G]
    mov [rel r_g_after_invlpg], eax
    mov rax, cr4
    and rax, ~(1 << 7)
    mov cr4, rax
    LM_LEAVE
bits 32

info_global_kept:    db "INFO the global translation was kept across the CR3 reload", 10, 0
info_global_evicted: db "INFO the global translation was evicted by the CR3 reload", 10, 0
skip_1g:    db "SKIP 1 GiB pages: CPUID.80000001H:EDX.Page1GB is clear", 10, 0
skip_smep:  db "SKIP SMEP: CPUID.07H:EBX.SMEP is clear", 10, 0
skip_smap:  db "SKIP SMAP: CPUID.07H:EBX.SMAP is clear", 10, 0
align 4
has_1g:             dd 0
has_smep:           dd 0
has_smap:           dd 0
r_2m:               dd 0
r_2m_a:             dd 0
r_1g:               dd 0
r_nx_vec:           dd -1
r_nx_err:           dd -1
r_nx_cr2:           dd 0
r_nx_read:          dd 0
r_smep_vec:         dd -1
r_smep_err:         dd -1
r_smap_vec:         dd -1
r_smap_err:         dd -1
r_smap_ac_read:     dd 0
r_g_before:         dd 0
r_n_before:         dd 0
r_g_after_cr3:      dd 0
r_n_after_cr3:      dd 0
r_g_after_invlpg:   dd 0
%include "lib/end.inc"
