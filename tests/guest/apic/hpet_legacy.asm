; The HPET's LegacyReplacement route (IA-PC HPET Specification 1.0a, 2.3.5 LEG_RT_CNF, 2.3.8,
; 2.3.9.2.2 periodic mode) with the 8259 masked and the I/O APIC routing GSI 2 and GSI 8. The main
; counter advances at COUNTER_CLK_PERIOD (capabilities bits 63:32, in femtoseconds) measured
; against the LAPIC timer. With LEG_RT_CNF set, timer 0 (periodic, 1 ms) drives GSI 2 in place of
; the PIT, which keeps running at ~10 kHz but no longer reaches it; timer 1 drives GSI 8 in place
; of the RTC, whose periodic interrupt is enabled but no longer reaches it.
%include "lib/multiboot.inc"
%include "apic.inc"

HPET_BASE       equ 0xFED00000
HPET_CAP        equ 0x000
HPET_CONFIG     equ 0x010
HPET_COUNTER    equ 0x0F0
HPET_T0_CONFIG  equ 0x100
HPET_T0_CMP     equ 0x108
HPET_T1_CONFIG  equ 0x120
HPET_T1_CMP     equ 0x128
TN_INT_ENB      equ 1 << 2
TN_PERIODIC     equ 1 << 3
TN_VAL_SET      equ 1 << 6
TN_32BIT        equ 1 << 8
GSI2_VECTOR     equ 0x50
GSI8_VECTOR     equ 0x58
PIT_CH0         equ 0x40
PIT_CONTROL     equ 0x43
RTC_INDEX       equ 0x70
RTC_DATA        equ 0x71

test_main:
    call apic_setup
    call apic_quiet_pic
    call lapic_enable
    call ioapic_mask_all
    mov dword [vec_hooks + GSI8_VECTOR * 4], rtc_ack_hook

    mov eax, [HPET_BASE + HPET_CAP]
    mov ebx, eax
    and eax, 1 << 15
    CHECK_EQ "capabilities: LEG_RT_CAP", eax, 1 << 15
    mov eax, [HPET_BASE + HPET_CAP + 4]
    mov [period_fs], eax
    xor ebx, ebx
    test eax, eax
    jz .period_checked
    cmp eax, 100000000                  ; at most 100 ns (spec 2.3.4)
    ja .period_checked
    mov ebx, 1
.period_checked:
    CHECK_EQ "COUNTER_CLK_PERIOD in 1..100000000 fs", ebx, 1

    ; ticks per millisecond = 10^12 fs / period
    mov edx, 0xE8
    mov eax, 0xD4A51000
    div dword [period_fs]
    mov [ticks_per_ms], eax

    ; Main counter, enabled without legacy routing, against 10 ms of LAPIC timer.
    mov dword [HPET_BASE + HPET_CONFIG], 0
    mov dword [HPET_BASE + HPET_COUNTER], 0
    mov dword [HPET_BASE + HPET_COUNTER + 4], 0
    mov dword [HPET_BASE + HPET_CONFIG], 1
    mov esi, [HPET_BASE + HPET_COUNTER]
    mov eax, 10000
    call delay_us
    mov eax, [HPET_BASE + HPET_COUNTER]
    sub eax, esi
    mov ecx, [ticks_per_ms]
    imul ecx, ecx, 10                   ; expected ticks in 10 ms
    xor ebx, ebx
    mov edx, ecx
    shr edx, 1                          ; QEMU's timer callbacks may be late: 10..20 ms
    lea edx, [ecx + edx]
    lea edx, [edx + ecx * 2]            ; upper bound 3.5x (a late LAPIC interrupt)
    cmp eax, ecx
    jb .counter_checked
    cmp eax, edx
    ja .counter_checked
    mov ebx, 1
.counter_checked:
    CHECK_EQ "main counter advances at COUNTER_CLK_PERIOD (10 ms)", ebx, 1

    ; The PIT at ~10 kHz reaches GSI 2, the RTC's 1024 Hz periodic interrupt reaches GSI 8.
    mov al, 0x34
    out PIT_CONTROL, al
    mov al, 119
    out PIT_CH0, al
    xor al, al
    out PIT_CH0, al
    mov al, 0x0A                        ; RTC register A: divider on, rate 6 = 1024 Hz
    out RTC_INDEX, al
    mov al, 0x26
    out RTC_DATA, al
    mov al, 0x0B                        ; register B: PIE
    out RTC_INDEX, al
    in al, RTC_DATA
    or al, 0x40
    mov ah, al
    mov al, 0x0B
    out RTC_INDEX, al
    mov al, ah
    out RTC_DATA, al
    mov al, 0x0C
    out RTC_INDEX, al
    in al, RTC_DATA
    mov ebx, 2
    mov eax, GSI2_VECTOR
    xor edx, edx
    call ioapic_set_entry
    mov ebx, 8
    mov eax, GSI8_VECTOR
    xor edx, edx
    call ioapic_set_entry
    mov ebx, GSI2_VECTOR
    mov edi, 20
    mov esi, 100
    call wait_vector
    mov ebx, GSI8_VECTOR
    mov edi, 2
    mov esi, 100
    call wait_vector
    mov eax, [vec_counts + GSI2_VECTOR * 4]
    cmp eax, 20
    setae al
    movzx eax, al
    CHECK_EQ "before LEG_RT_CNF: the PIT drives GSI 2", eax, 1
    mov eax, [vec_counts + GSI8_VECTOR * 4]
    cmp eax, 2
    setae al
    movzx eax, al
    CHECK_EQ "before LEG_RT_CNF: the RTC drives GSI 8", eax, 1

    ; Legacy replacement: timer 0 periodic every 1 ms (32-bit mode, Tn_VAL_SET then the period),
    ; timer 1 with its interrupt disabled for now.
    mov dword [HPET_BASE + HPET_CONFIG], 0
    mov dword [HPET_BASE + HPET_COUNTER], 0
    mov dword [HPET_BASE + HPET_COUNTER + 4], 0
    mov dword [HPET_BASE + HPET_T0_CONFIG], TN_INT_ENB | TN_PERIODIC | TN_VAL_SET | TN_32BIT
    mov eax, [ticks_per_ms]
    mov [HPET_BASE + HPET_T0_CMP], eax
    mov dword [HPET_BASE + HPET_T1_CONFIG], TN_32BIT
    mov dword [HPET_BASE + HPET_CONFIG], 3         ; ENABLE_CNF | LEG_RT_CNF
    sti                                 ; whatever the PIT and RTC left pending is taken now
    nop
    nop
    cli
    mov eax, [vec_counts + GSI2_VECTOR * 4]
    mov [gsi2_before], eax
    mov eax, [vec_counts + GSI8_VECTOR * 4]
    mov [gsi8_before], eax
    mov eax, [HPET_BASE + HPET_COUNTER]
    mov [counter_before], eax
    mov eax, 20000
    call delay_us
    mov eax, [HPET_BASE + HPET_COUNTER]
    sub eax, [counter_before]
    xor edx, edx
    div dword [ticks_per_ms]            ; milliseconds that passed on the HPET
    mov [elapsed_ms], eax
    mov ecx, [vec_counts + GSI2_VECTOR * 4]
    sub ecx, [gsi2_before]
    mov [gsi2_delta], ecx
    ; Timer 0 at 1 kHz gives about one interrupt per elapsed ms; the PIT leaking through would
    ; give about ten.
    mov ebx, 0
    mov eax, [elapsed_ms]
    lea edx, [eax - 2]
    add eax, 2
    cmp ecx, edx
    jl .gsi2_checked
    cmp ecx, eax
    jg .gsi2_checked
    mov ebx, 1
.gsi2_checked:
    CHECK_EQ "LEG_RT_CNF: GSI 2 carries timer 0's 1 ms period, not the PIT", ebx, 1
    mov eax, [vec_counts + GSI8_VECTOR * 4]
    sub eax, [gsi8_before]
    CHECK_EQ "LEG_RT_CNF: the RTC no longer reaches GSI 8", eax, 0

    ; Timer 1, one-shot 2 ms ahead, arrives on GSI 8.
    mov eax, [HPET_BASE + HPET_COUNTER]
    mov ecx, [ticks_per_ms]
    lea eax, [eax + ecx * 2]
    mov [HPET_BASE + HPET_T1_CMP], eax
    mov dword [HPET_BASE + HPET_T1_CONFIG], TN_32BIT | TN_INT_ENB
    mov ebx, GSI8_VECTOR
    mov edi, [gsi8_before]
    inc edi
    mov esi, 200
    call wait_vector
    mov eax, 3000
    call delay_us
    mov eax, [vec_counts + GSI8_VECTOR * 4]
    sub eax, [gsi8_before]
    CHECK_EQ "LEG_RT_CNF: timer 1 one-shot arrives once on GSI 8", eax, 1

    mov dword [HPET_BASE + HPET_CONFIG], 0
    mov ebx, 2
    mov eax, IOAPIC_ENTRY_MASKED
    xor edx, edx
    call ioapic_set_entry
    mov ebx, 8
    call ioapic_set_entry
    mov al, 0x30
    out PIT_CONTROL, al
    ret

; GSI 8: acknowledge the RTC (reading register C drops its IRQ 8 request).
rtc_ack_hook:
    mov al, 0x0C
    out RTC_INDEX, al
    in al, RTC_DATA
    ret

align 4
period_fs:      dd 0
ticks_per_ms:   dd 0
gsi2_before:    dd 0
gsi8_before:    dd 0
gsi2_delta:     dd 0
counter_before: dd 0
elapsed_ms:     dd 0

%include "lib/irq.inc"
%include "lib/end.inc"
