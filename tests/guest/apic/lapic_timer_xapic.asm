; The local APIC in xAPIC mode through its MMIO page (Intel SDM vol. 3A, chapter 11): enabling by
; SVR, the timer in one-shot and periodic mode with a divide (11.5.4), the current count running
; down, ISR/IRR/PPR while a handler runs and after EOI (11.8.3-11.8.5), TPR holding back a vector
; of its class or below and lowering TPR delivering it, self IPIs through the ICR taken in
; priority order, and the software-disabled state (11.4.7.2). The 8259 is masked throughout.
%include "lib/multiboot.inc"
%include "apic.inc"

TIMER_VECTOR    equ 0x40
PERIODIC_VECTOR equ 0x41
HELD_VECTOR     equ 0x45
LOW_IPI         equ 0x50
HIGH_IPI        equ 0x61

test_main:
    call apic_setup
    call apic_quiet_pic

    ; IA32_APIC_BASE: enabled (bit 11), BSP (bit 8), base 0xFEE00000 (SDM Figure 11-5).
    mov ecx, MSR_APIC_BASE
    rdmsr
    and eax, 0xFFFFF900
    CHECK_EQ "IA32_APIC_BASE: base 0xFEE00000, EN, BSP", eax, 0xFEE00900
    ; Version 0x14 (an integrated APIC) with six LVT entries (max LVT entry 5).
    LAPIC_RD LAPIC_VERSION
    and eax, 0x00FF00FF
    CHECK_EQ "version 0x14, max LVT entry 5", eax, 0x00050014
    LAPIC_RD LAPIC_ID
    shr eax, 24
    CHECK_EQ "BSP APIC ID is 0", eax, 0

    ; Software disabled: LVT entries cannot be unmasked (SDM 11.4.7.2).
    LAPIC_WR LAPIC_SVR, SPURIOUS_VECTOR
    LAPIC_WR LAPIC_LVT_TIMER, TIMER_VECTOR
    LAPIC_RD LAPIC_LVT_TIMER
    and eax, LVT_MASKED | 0xFF
    CHECK_EQ "software-disabled APIC keeps LVT timer masked", eax, LVT_MASKED | TIMER_VECTOR

    call lapic_enable
    LAPIC_RD LAPIC_SVR
    and eax, 0x1FF
    CHECK_EQ "SVR: enabled, spurious vector 0xFF", eax, 0x100 | SPURIOUS_VECTOR
    LAPIC_RD LAPIC_PPR
    CHECK_EQ "PPR 0 with TPR 0 and nothing in service", eax, 0

    ; ---- one-shot, divide by 16 ------------------------------------------------------------
    mov dword [vec_hooks + TIMER_VECTOR * 4], timer_hook
    LAPIC_WR LAPIC_TIMER_DCR, 0x3               ; divide by 16
    LAPIC_RD LAPIC_TIMER_DCR
    and eax, 0xB
    CHECK_EQ "divide configuration reads back", eax, 0x3
    LAPIC_WR LAPIC_LVT_TIMER, TIMER_VECTOR      ; one-shot, unmasked
    LAPIC_WR LAPIC_TIMER_ICR, 200000            ; 200000 * 16 ns = 3.2 ms
    mov ebx, TIMER_VECTOR
    mov edi, 1
    call wait_vector_spin
    mov ebx, eax
    LAPIC_RD LAPIC_TIMER_ICR
    CHECK_EQ "initial count reads back", eax, 200000
    mov eax, ebx
    CHECK_EQ "one-shot timer interrupt on its vector", eax, 1
    CHECK_EQ "ISR bit of the timer vector set in its handler", [hook_isr], 1
    CHECK_EQ "PPR = the in-service vector's class in the handler", [hook_ppr], TIMER_VECTOR
    VECTOR_BIT LAPIC_ISR, TIMER_VECTOR
    CHECK_EQ "ISR bit clear after EOI", eax, 0
    LAPIC_RD LAPIC_PPR
    CHECK_EQ "PPR back to 0 after EOI", eax, 0
    LAPIC_RD LAPIC_TIMER_CCR
    CHECK_EQ "one-shot current count stays 0", eax, 0
    mov eax, 5000
    call delay_us
    CHECK_EQ "one-shot fires only once", [vec_counts + TIMER_VECTOR * 4], 1

    ; ---- periodic, divide by 1 -------------------------------------------------------------
    LAPIC_WR LAPIC_TIMER_DCR, 0xB               ; divide by 1
    LAPIC_WR LAPIC_LVT_TIMER, LVT_PERIODIC | PERIODIC_VECTOR
    LAPIC_WR LAPIC_TIMER_ICR, 500000            ; 0.5 ms
    mov ebx, PERIODIC_VECTOR
    mov edi, 10
    mov esi, 0
.periodic_wait:                                 ; HLT: the timer itself wakes the CPU
    cmp dword [vec_counts + PERIODIC_VECTOR * 4], 10
    jae .periodic_done
    inc esi
    cmp esi, 1000
    ja .periodic_done
    sti
    hlt
    cli
    jmp .periodic_wait
.periodic_done:
    ; The count runs down between reloads: of three readings ~20 us apart, at most one pair
    ; straddles a reload, and every reading is within 1..initial.
    mov edi, 1
    LAPIC_RD LAPIC_TIMER_CCR
    mov [ccr_samples], eax
    call short_spin
    LAPIC_RD LAPIC_TIMER_CCR
    mov [ccr_samples + 4], eax
    call short_spin
    LAPIC_RD LAPIC_TIMER_CCR
    mov [ccr_samples + 8], eax
    mov ecx, 0
.in_range:
    mov eax, [ccr_samples + ecx * 4]
    test eax, eax
    jz .bad_sample
    cmp eax, 500000
    jbe .next_sample
.bad_sample:
    xor edi, edi
.next_sample:
    inc ecx
    cmp ecx, 3
    jb .in_range
    mov eax, [ccr_samples + 4]
    cmp eax, [ccr_samples]
    jb .decreasing
    mov eax, [ccr_samples + 8]
    cmp eax, [ccr_samples + 4]
    jb .decreasing
    xor edi, edi
.decreasing:
    LAPIC_WR LAPIC_LVT_TIMER, LVT_MASKED | LVT_PERIODIC | PERIODIC_VECTOR
    LAPIC_WR LAPIC_TIMER_ICR, 0                 ; stops the timer
    mov eax, [vec_counts + PERIODIC_VECTOR * 4]
    cmp eax, 10
    setae al
    movzx eax, al
    CHECK_EQ "periodic timer: ten interrupts", eax, 1
    mov eax, edi
    CHECK_EQ "periodic current count decreases within 1..initial", eax, 1
    LAPIC_RD LAPIC_TIMER_CCR
    CHECK_EQ "writing initial count 0 stops the timer", eax, 0
    mov ebx, [vec_counts + PERIODIC_VECTOR * 4]
    mov eax, 2000
    call delay_us
    CHECK_EQ "stopped periodic timer stays quiet", [vec_counts + PERIODIC_VECTOR * 4], ebx

    ; ---- TPR ---------------------------------------------------------------------------------
    ; A vector whose class (4) is not above TPR's class is held in IRR (SDM 11.8.3.1).
    LAPIC_WR LAPIC_TPR, 0x40
    LAPIC_RD LAPIC_PPR
    CHECK_EQ "PPR follows TPR", eax, 0x40
    LAPIC_WR LAPIC_LVT_TIMER, HELD_VECTOR
    LAPIC_WR LAPIC_TIMER_ICR, 100000            ; 0.1 ms
    mov esi, 0
.held_wait:                                     ; interrupts on, but the vector is held back
    sti
    VECTOR_BIT LAPIC_IRR, HELD_VECTOR
    cli
    test eax, eax
    jnz .held_pending
    inc esi
    cmp esi, 10000000
    jb .held_wait
.held_pending:
    sti
    mov ecx, 1000
.held_spin:
    loop .held_spin
    cli
    CHECK_EQ "timer vector pending in IRR under TPR of its class", eax, 1
    CHECK_EQ "vector of TPR's class not delivered", [vec_counts + HELD_VECTOR * 4], 0
    LAPIC_WR LAPIC_TPR, 0x30                    ; class 3 < 4: deliverable
    sti
    nop
    nop
    cli
    CHECK_EQ "lowering TPR delivers it", [vec_counts + HELD_VECTOR * 4], 1
    VECTOR_BIT LAPIC_IRR, HELD_VECTOR
    CHECK_EQ "IRR bit clear after delivery", eax, 0
    LAPIC_WR LAPIC_TPR, 0

    ; ---- self IPIs taken by priority ---------------------------------------------------------
    ; With IF clear, a low and then a high vector are sent to self (ICR shorthand 01, fixed).
    ; The high one is taken first; inside its handler the low one waits in IRR, blocked by the
    ; in-service class (PPR 0x60); after the EOI it follows (SDM 11.8.3, 11.8.4).
    mov dword [vec_hooks + HIGH_IPI * 4], high_ipi_hook
    mov dword [vec_log_len], 0
    LAPIC_WR LAPIC_ICR_LOW, 0x00044000 | LOW_IPI
    call icr_wait_idle
    CHECK_EQ "ICR delivery status returns to idle", eax, 0
    LAPIC_WR LAPIC_ICR_LOW, 0x00044000 | HIGH_IPI
    call icr_wait_idle
    VECTOR_BIT LAPIC_IRR, LOW_IPI
    mov ebx, eax
    VECTOR_BIT LAPIC_IRR, HIGH_IPI
    add eax, ebx
    CHECK_EQ "both self IPIs pending in IRR with IF clear", eax, 2
    sti
    nop
    nop
    cli
    CHECK_EQ "two interrupts taken", [vec_log_len], 2
    movzx eax, byte [vec_log]
    CHECK_EQ "higher vector first", eax, HIGH_IPI
    movzx eax, byte [vec_log + 1]
    CHECK_EQ "lower vector after the EOI", eax, LOW_IPI
    CHECK_EQ "in the high handler, the low vector waits in IRR", [hook_low_irr], 1
    CHECK_EQ "in the high handler, PPR is its class", [hook_high_ppr], 0x60
    LAPIC_RD LAPIC_ESR                          ; ESR: write then read (SDM 11.5.3)
    LAPIC_WR LAPIC_ESR, 0
    LAPIC_RD LAPIC_ESR
    CHECK_EQ "no APIC error recorded", eax, 0

    mov ecx, 0
    xor eax, eax
.unexpected:                                    ; every vector but the ones used above
    cmp ecx, TIMER_VECTOR
    je .skip
    cmp ecx, PERIODIC_VECTOR
    je .skip
    cmp ecx, HELD_VECTOR
    je .skip
    cmp ecx, LOW_IPI
    je .skip
    cmp ecx, HIGH_IPI
    je .skip
    cmp ecx, DELAY_VECTOR
    je .skip
    add eax, [vec_counts + ecx * 4]
.skip:
    inc ecx
    cmp ecx, 256
    jb .unexpected
    CHECK_EQ "no other vector (spurious included) arrived", eax, 0
    ret

short_spin:
    mov ecx, 20000
.spin:
    loop .spin
    ret

; eax = ICR delivery status after a bounded wait.
icr_wait_idle:
    mov edx, 100000
.poll:
    LAPIC_RD LAPIC_ICR_LOW
    and eax, ICR_BUSY
    jz .idle
    dec edx
    jnz .poll
.idle:
    ret

timer_hook:
    VECTOR_BIT LAPIC_ISR, TIMER_VECTOR
    mov [hook_isr], eax
    LAPIC_RD LAPIC_PPR
    mov [hook_ppr], eax
    ret

high_ipi_hook:
    VECTOR_BIT LAPIC_IRR, LOW_IPI
    mov [hook_low_irr], eax
    LAPIC_RD LAPIC_PPR
    mov [hook_high_ppr], eax
    ret

align 4
ccr_samples:    dd 0, 0, 0
hook_isr:       dd -1
hook_ppr:       dd -1
hook_low_irr:   dd -1
hook_high_ppr:  dd -1

%include "lib/irq.inc"
%include "lib/end.inc"
