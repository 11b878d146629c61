; The local APIC in x2APIC mode (Intel SDM vol. 3A 11.12): CPUID.1:ECX reports x2APIC (bit 21)
; and the TSC-deadline timer (bit 24); setting IA32_APIC_BASE.EXTD moves the registers to MSRs
; 0x800-0x8FF (11.12.1.2) with the 32-bit ID and the derived logical ID (11.12.10.2); RDMSR of the
; write-only EOI and SELF IPI registers raises #GP (Table 11-6); SELF IPI (MSR 0x83F) and the
; 64-bit ICR (MSR 0x830) deliver to this CPU; the TSC-deadline timer (11.5.4.1) fires when the
; TSC reaches IA32_TSC_DEADLINE, which then reads 0, ignores the initial count, fires at once
; for a deadline in the past and disarms on a write of 0; CR8 and TPR are one register in 64-bit
; mode (11.8.6.1), and a TPR set through CR8 holds back a vector of its class.
%include "lib/multiboot.inc"
%include "apic.inc"
%include "cpu_modes/lm.inc"

SELF_IPI_VECTOR equ 0x60
ICR_VECTOR      equ 0x61
DEADLINE_VECTOR equ 0x62
HELD_VECTOR     equ 0x45
MSR_X2_ID       equ 0x802
MSR_X2_VERSION  equ 0x803
MSR_X2_TPR      equ 0x808
MSR_X2_EOI      equ 0x80B
MSR_X2_LDR      equ 0x80D
MSR_X2_ICR      equ 0x830
MSR_X2_SELF_IPI equ 0x83F

test_main:
    call apic_setup
    call apic_quiet_pic
    mov eax, 1
    cpuid
    and ecx, (1 << 21) | (1 << 24)
    CHECK_EQ "CPUID.1:ECX x2APIC and TSC-deadline", ecx, (1 << 21) | (1 << 24)

    mov ecx, MSR_APIC_BASE
    rdmsr
    or eax, 1 << 10                     ; EXTD, with EN already set
    wrmsr
    rdmsr
    and eax, 0xC00
    CHECK_EQ "IA32_APIC_BASE: EN and EXTD set", eax, 0xC00
    mov byte [apic_x2], 1

    mov ecx, MSR_X2_ID
    rdmsr
    CHECK_EQ "x2APIC ID of the BSP is 0", eax, 0
    mov ecx, MSR_X2_VERSION
    rdmsr
    and eax, 0x00FF00FF
    CHECK_EQ "version through MSR 0x803", eax, 0x00050014
    mov ecx, MSR_X2_LDR
    rdmsr
    CHECK_EQ "logical ID: cluster 0, member bit 0", eax, 1
    call lapic_enable
    mov ecx, 0x80F
    rdmsr
    and eax, 0x1FF
    CHECK_EQ "SVR through MSR 0x80F", eax, 0x100 | SPURIOUS_VECTOR

    mov dword [gp_seen], 0
    TRY .eoi_read_faulted
    mov ecx, MSR_X2_EOI
    rdmsr
    jmp .eoi_read_done
.eoi_read_faulted:
    mov eax, [exc_vector]
    mov [gp_seen], eax
.eoi_read_done:
    CHECK_EQ "RDMSR of the write-only EOI register: #GP", [gp_seen], 13
    mov dword [gp_seen], 0
    TRY .self_read_faulted
    mov ecx, MSR_X2_SELF_IPI
    rdmsr
    jmp .self_read_done
.self_read_faulted:
    mov eax, [exc_vector]
    mov [gp_seen], eax
.self_read_done:
    mov dword [exc_resume], 0
    CHECK_EQ "RDMSR of the write-only SELF IPI register: #GP", [gp_seen], 13

    ; SELF IPI with IF clear: pending in IRR (MSR 0x823 bit 0), then taken once.
    mov ecx, MSR_X2_SELF_IPI
    mov eax, SELF_IPI_VECTOR
    xor edx, edx
    wrmsr
    VECTOR_BIT LAPIC_IRR, SELF_IPI_VECTOR
    CHECK_EQ "SELF IPI pending in IRR", eax, 1
    sti
    nop
    nop
    cli
    CHECK_EQ "SELF IPI delivered once", [vec_counts + SELF_IPI_VECTOR * 4], 1
    VECTOR_BIT LAPIC_ISR, SELF_IPI_VECTOR
    CHECK_EQ "ISR clear after the x2APIC EOI", eax, 0

    ; 64-bit ICR: fixed, physical, destination x2APIC ID 0 in bits 63:32.
    mov ecx, MSR_X2_ICR
    mov eax, 0x00004000 | ICR_VECTOR
    xor edx, edx
    wrmsr
    sti
    nop
    nop
    cli
    CHECK_EQ "ICR IPI to x2APIC ID 0 delivered", [vec_counts + ICR_VECTOR * 4], 1

    ; ---- TSC-deadline timer -------------------------------------------------------------------
    LAPIC_WR LAPIC_LVT_TIMER, LVT_TSC_DEADLINE | DEADLINE_VECTOR
    LAPIC_WR LAPIC_TIMER_ICR, 123456            ; ignored in TSC-deadline mode
    LAPIC_RD LAPIC_TIMER_ICR
    CHECK_EQ "initial count ignored in TSC-deadline mode", eax, 0
    rdtsc
    add eax, 1000000                            ; 1 ms at 1 GHz
    adc edx, 0
    mov [deadline], eax
    mov [deadline + 4], edx
    mov ecx, MSR_TSC_DEADLINE
    wrmsr
    rdmsr
    xor eax, [deadline]
    xor edx, [deadline + 4]
    or eax, edx
    CHECK_EQ "IA32_TSC_DEADLINE reads the armed deadline", eax, 0
    mov ebx, DEADLINE_VECTOR
    mov edi, 1
    call wait_vector_spin
    mov ebx, eax
    rdtsc
    sub eax, [deadline]
    sbb edx, [deadline + 4]
    shr edx, 31                                 ; 1 when the TSC is still before the deadline
    mov edi, edx
    CHECK_EQ "TSC-deadline interrupt arrives", ebx, 1
    CHECK_EQ "... not before the deadline", edi, 0
    mov ecx, MSR_TSC_DEADLINE
    rdmsr
    or eax, edx
    CHECK_EQ "IA32_TSC_DEADLINE reads 0 after it fired", eax, 0

    mov ecx, MSR_TSC_DEADLINE                   ; a deadline in the past fires at once
    mov eax, 1
    xor edx, edx
    wrmsr
    mov ebx, DEADLINE_VECTOR
    mov edi, 2
    call wait_vector_spin
    CHECK_EQ "deadline in the past fires", eax, 2

    rdtsc                                       ; armed 1 s ahead, then disarmed by 0
    add edx, 1
    mov ecx, MSR_TSC_DEADLINE
    wrmsr
    xor eax, eax
    xor edx, edx
    wrmsr
    mov ebx, DEADLINE_VECTOR
    mov edi, 3
    call wait_vector_spin
    CHECK_EQ "writing 0 disarms the deadline", eax, 2
    LAPIC_WR LAPIC_LVT_TIMER, LVT_MASKED

    ; ---- CR8 in 64-bit mode --------------------------------------------------------------------
    mov eax, long_mode_part
    call lm_enter
    CHECK_EQ "MOV CR8, 5 -> TPR 0x50", [tpr_from_cr8], 0x50
    CHECK_EQ "TPR 0x93 -> CR8 reads 9", [cr8_from_tpr], 9
    LAPIC_RD LAPIC_TPR
    CHECK_EQ "CR8 4 left TPR at 0x40", eax, 0x40
    mov ecx, MSR_X2_SELF_IPI
    mov eax, HELD_VECTOR
    xor edx, edx
    wrmsr
    sti
    nop
    nop
    cli
    CHECK_EQ "vector of CR8's class held back", [vec_counts + HELD_VECTOR * 4], 0
    LAPIC_WR LAPIC_TPR, 0
    sti
    nop
    nop
    cli
    CHECK_EQ "TPR 0 delivers it", [vec_counts + HELD_VECTOR * 4], 1
    ret

bits 64
long_mode_part:
    mov eax, 5
    mov cr8, rax
    mov ecx, MSR_X2_TPR
    rdmsr
    mov [rel tpr_from_cr8], eax
    mov eax, 0x93
    xor edx, edx
    wrmsr
    mov rax, cr8
    mov [rel cr8_from_tpr], eax
    mov eax, 4
    mov cr8, rax
    LM_LEAVE
bits 32

align 8
deadline:       dq 0
gp_seen:        dd 0
tpr_from_cr8:   dd -1
cr8_from_tpr:   dd -1

%include "lib/irq.inc"
%include "lib/end.inc"
