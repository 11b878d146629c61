; CPUID and MSRs, limited to what is architectural (no vendor, brand or family comparisons):
; leaf 0 and 0x80000000 ranges, the vendor string is printable, leaf 1 APIC ID of the boot CPU is 0
; and the MSR/TSC features are present, RDMSR at CPL 3 is #GP, EFER.SCE reads back, IA32_APIC_BASE names the BSP at 0xFEE00000, the TSC counts up, RDTSCP returns
; IA32_TSC_AUX in ECX when CPUID advertises it. Intel SDM vol. 2: CPUID, RDMSR, WRMSR, RDTSC,
; RDTSCP; vol. 4 (MSRs). Unimplemented MSRs are in msr_unimplemented.asm.
%include "lib/multiboot.inc"
%include "sys.inc"

MSR_APIC_BASE   equ 0x1B
MSR_SYSENTER_CS equ 0x174
MSR_EFER        equ 0xC0000080
MSR_TSC_AUX     equ 0xC0000103
UNKNOWN_MSR     equ 0x12345678

test_main:
    call sys_init

    ; ---- CPUID leaf 0 ----
    xor eax, eax
    cpuid
    mov [vendor], ebx
    mov [vendor + 4], edx
    mov [vendor + 8], ecx
    cmp eax, 1
    setae al
    movzx eax, al
    CHECK_EQ "CPUID.0: max basic leaf >= 1", eax, 1
    mov esi, vendor
    mov ecx, 12
    xor edx, edx
.chars:
    lodsb
    cmp al, 0x20
    jb .bad
    cmp al, 0x7E
    jbe .ok
.bad:
    inc edx
.ok:
    loop .chars
    CHECK_EQ "CPUID.0: vendor string is 12 printable characters", edx, 0
    ; a leaf above the maximum returns the data of the highest basic leaf (Intel) or zeros
    ; (AMD): either way it must not fault; just execute it
    xor eax, eax
    cpuid
    inc eax
    cpuid
    CHECK_EQ "CPUID above the maximum leaf does not fault", [exc_count], 0

    ; ---- extended range ----
    mov eax, 0x80000000
    cpuid
    mov [ext_max], eax
    sub eax, 0x80000001
    cmp eax, 0xFF
    setb al
    movzx eax, al
    CHECK_EQ "CPUID.80000000: max extended leaf in 0x80000001..0x800000FF", eax, 1

    ; ---- leaf 1 ----
    mov eax, 1
    cpuid
    mov [leaf1_edx], edx
    shr ebx, 24
    CHECK_EQ "CPUID.1: initial APIC ID of CPU 0 is 0", ebx, 0
    mov eax, [leaf1_edx]
    and eax, (1 << 4) | (1 << 5)
    CHECK_EQ "CPUID.1: TSC and MSR features", eax, (1 << 4) | (1 << 5)

    ; RDMSR at CPL 3
    TRY .cpl3_fault
    mov eax, r3_rdmsr
    call call_ring3
.cpl3_fault:
    CHECK_EQ "RDMSR at CPL 3: #GP", [exc_vector], 13

    ; ---- EFER.SCE ----
    mov ecx, MSR_EFER
    rdmsr
    mov [efer_before], eax
    or eax, 1
    wrmsr
    rdmsr
    and eax, 1
    CHECK_EQ "EFER.SCE set reads back", eax, 1
    mov ecx, MSR_EFER
    rdmsr
    and eax, ~1
    wrmsr
    rdmsr
    and eax, 1
    CHECK_EQ "EFER.SCE cleared reads back", eax, 0
    mov eax, [efer_before]
    and eax, 1 << 10
    CHECK_EQ "EFER.LMA clear in protected mode", eax, 0

    ; ---- a read/write MSR: SYSENTER_CS ----
    mov ecx, MSR_SYSENTER_CS
    mov eax, 0x1234
    xor edx, edx
    wrmsr
    xor eax, eax
    rdmsr
    CHECK_EQ "SYSENTER_CS reads back", eax, 0x1234

    ; ---- IA32_PAT reset value ----
    mov ecx, 0x277
    rdmsr
    CHECK_EQ "IA32_PAT reset value (low)", eax, 0x00070406
    CHECK_EQ "IA32_PAT reset value (high)", edx, 0x00070406

    ; ---- APIC base ----
    mov ecx, MSR_APIC_BASE
    rdmsr
    mov ebx, eax
    and eax, 0xFFFFF000
    CHECK_EQ "APIC_BASE: 0xFEE00000", eax, 0xFEE00000
    and ebx, (1 << 8) | (1 << 11)
    CHECK_EQ "APIC_BASE: BSP and enable bits", ebx, (1 << 8) | (1 << 11)

    ; ---- TSC ----
    rdtsc
    mov esi, eax
    mov edi, edx
    mov ecx, 10000
.spin:
    loop .spin
    rdtsc
    sub eax, esi
    sbb edx, edi
    mov ecx, 0
    jb .tsc_done                    ; went backwards
    or eax, edx
    jz .tsc_done                    ; did not move
    mov ecx, 1
.tsc_done:
    CHECK_EQ "RDTSC counts up across a loop", ecx, 1
    mov ecx, 0x10                   ; IA32_TSC
    rdmsr
    mov esi, eax
    mov edi, edx
    rdtsc
    sub eax, esi
    sbb edx, edi
    setae al
    movzx eax, al
    CHECK_EQ "IA32_TSC MSR agrees with RDTSC (not ahead of it)", eax, 1

    ; ---- CR4.TSD: RDTSC at CPL 3 is #GP(0); CPUID at CPL 3 still works ----
    mov dword [r3_value], 0
    TRY .tsd0
    mov eax, r3_rdtsc
    call call_ring3
.tsd0:
    CHECK_EQ "RDTSC at CPL 3 with TSD clear works", [r3_value], 1
    mov eax, cr4
    or eax, 1 << 2
    mov cr4, eax
    mov dword [r3_value], 0
    TRY .tsd1
    mov eax, r3_rdtsc
    call call_ring3
.tsd1:
    mov eax, cr4
    and eax, ~(1 << 2)
    mov cr4, eax
    CHECK_EQ "RDTSC at CPL 3 with CR4.TSD: #GP", [exc_vector], 13
    CHECK_EQ "RDTSC at CPL 3 with CR4.TSD: error 0", [exc_error], 0
    CHECK_EQ "RDTSC at CPL 3 with CR4.TSD: CPUID before it ran", [r3_value], 2

    ; ---- RDTSCP, if advertised ----
    cmp dword [ext_max], 0x80000001
    jb .no_rdtscp
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 27
    jz .no_rdtscp
    mov ecx, MSR_TSC_AUX
    mov eax, 0xC0FFEE
    xor edx, edx
    wrmsr
    xor ecx, ecx
    rdtscp
    CHECK_EQ "RDTSCP: ECX = IA32_TSC_AUX", ecx, 0xC0FFEE
    ret
.no_rdtscp:
    ; not advertised: RDTSCP must be #UD
    TRY .ud
    rdtscp
.ud:
    CHECK_EQ "RDTSCP not advertised: #UD", [exc_vector], 6
    ret

r3_rdtsc:
    xor eax, eax
    cpuid
    mov dword [r3_value], 2
    rdtsc
    mov dword [r3_value], 1
    int RING0_VECTOR
r3_rdmsr:
    mov ecx, MSR_EFER
    rdmsr
    int RING0_VECTOR

align 4
vendor: times 12 db 0
ext_max: dd 0
leaf1_edx: dd 0
efer_before: dd 0
r3_value: dd 0

%include "lib/end.inc"
