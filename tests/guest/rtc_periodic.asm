; The MC146818 RTC's periodic interrupt at 1024 Hz on IRQ 8, through the slave 8259 and the
; master's cascade input; the handler acknowledges each one by reading register C. Then the clock
; itself: the date the machine was started with (-rtc base=2024-02-29T12:34:10), in BCD and
; 24-hour mode, read outside update cycles (UIP clear), a once-a-second update with its UIP window
; and update-ended flag; and the CMOS bytes PC firmware reads (memory sizes, equipment).
; MC146818A datasheet, "Register A" to "Register D" and "Update Cycle".
%include "lib/multiboot.inc"

CMOS_INDEX  equ 0x70
CMOS_DATA   equ 0x71
NMI_OFF     equ 0x80            ; index bit 7: keep NMI masked while we look
REG_SECONDS equ 0x00
REG_MINUTES equ 0x02
REG_HOURS   equ 0x04
REG_DAY     equ 0x07
REG_MONTH   equ 0x08
REG_YEAR    equ 0x09
REG_A       equ 0x0A
REG_B       equ 0x0B
REG_C       equ 0x0C
REG_CENTURY equ 0x32
A_UIP       equ 0x80
A_1024HZ    equ 0x26            ; 32.768 kHz time base, rate 6
A_8192HZ    equ 0x23            ; rate 3
B_PIE       equ 0x40
B_BINARY    equ 0x04
B_24HOUR    equ 0x02
C_IRQF      equ 0x80
C_PF        equ 0x40
C_UF        equ 0x10
TICKS       equ 16

; al = register; returns its value in eax
%macro CMOS_READ 1
    mov al, NMI_OFF | %1
    out CMOS_INDEX, al
    in al, CMOS_DATA
    movzx eax, al
%endmacro

; eax = the 16-bit CMOS value at %1 (low byte) and %1 + 1
%macro CMOS_READ16 1
    CMOS_READ %1 + 1
    mov ah, al
    mov al, NMI_OFF | %1
    out CMOS_INDEX, al
    in al, CMOS_DATA
%endmacro

test_main:
    call irq_setup
    call pic_init
    mov dword [irq_hooks + 8 * 4], irq8_hook
    mov al, 0xFB                ; master: only the cascade input (IR2)
    out PIC1_DATA, al
    mov al, 0xFE                ; slave: only IRQ 8
    out PIC2_DATA, al

    mov al, NMI_OFF | REG_A
    out CMOS_INDEX, al
    mov al, A_1024HZ
    out CMOS_DATA, al
    CMOS_READ REG_B
    or al, B_PIE
    mov bl, al
    mov al, NMI_OFF | REG_B
    out CMOS_INDEX, al
    mov al, bl
    out CMOS_DATA, al
    CMOS_READ REG_C             ; clear anything already pending

    ; HLT only once the first interrupt has shown that they arrive.
    mov ebx, 8
    call irq_wait_first
    test eax, eax
    jz .no_interrupts
    mov ecx, 10000
.wait_ticks:
    sti
    hlt
    cli
    cmp dword [irq_counts + 8 * 4], TICKS
    jae .ticked
    loop .wait_ticks
.ticked:
    ; Keep the periodic interrupt running: it wakes the CPU while we wait for an update below.
    ; The time as of now, read outside an update cycle.
    call wait_uip_clear
    CMOS_READ REG_SECONDS
    mov [seconds_before], eax
    ; UIP rises once a second, 244 us before the update; afterwards the seconds have moved.
    ; At 8192 Hz the CPU wakes every 122 us, often enough to see the UIP window.
    mov al, NMI_OFF | REG_A
    out CMOS_INDEX, al
    mov al, A_8192HZ
    out CMOS_DATA, al
    mov dword [c_flags_seen], 0
    mov ecx, 8192 * 3           ; about three seconds of periodic interrupts
.wait_uip:
    sti
    hlt
    cli
    CMOS_READ REG_A
    test al, A_UIP
    jnz .uip_seen
    loop .wait_uip
.uip_seen:
    and eax, A_UIP
    mov [uip_seen], eax
    call wait_uip_clear
    mov ecx, 64                 ; the update-ended flag is seen by the next interrupt's read
.wait_uf:
    sti
    hlt
    cli
    test dword [c_flags_seen], C_UF
    jnz .uf_seen
    loop .wait_uf
.uf_seen:
.no_interrupts:
    CMOS_READ REG_SECONDS
    mov [seconds_after], eax
    mov al, NMI_OFF | REG_A
    out CMOS_INDEX, al
    mov al, A_1024HZ
    out CMOS_DATA, al
    CMOS_READ REG_B
    and al, ~B_PIE & 0xFF
    mov bl, al
    mov al, NMI_OFF | REG_B
    out CMOS_INDEX, al
    mov al, bl
    out CMOS_DATA, al
    CMOS_READ REG_C

    mov eax, [irq_counts + 8 * 4]
    cmp eax, TICKS
    setae al
    movzx eax, al
    CHECK_EQ "periodic interrupts on vector 0x28", eax, 1
    CHECK_EQ "register C in the handler: IRQF and PF", [reg_c_first], C_IRQF | C_PF
    CHECK_EQ "in service: slave IR0 and master IR2", [isr_in_handler], 0x0104
    CHECK_EQ "no other vector arrived", [irq_unexpected_count], 0
    CHECK_EQ "UIP seen before an update", [uip_seen], A_UIP
    mov eax, [c_flags_seen]
    and eax, C_UF
    CHECK_EQ "update-ended flag after the update", eax, C_UF
    mov eax, [seconds_after]
    cmp eax, [seconds_before]
    setne al
    movzx eax, al
    CHECK_EQ "the seconds advanced across the update", eax, 1

    CMOS_READ REG_B
    and eax, B_BINARY | B_24HOUR
    CHECK_EQ "BCD, 24-hour mode", eax, B_24HOUR
    call wait_uip_clear
    CMOS_READ REG_CENTURY
    CHECK_EQ "century 20", eax, 0x20
    CMOS_READ REG_YEAR
    CHECK_EQ "year 24", eax, 0x24
    CMOS_READ REG_MONTH
    CHECK_EQ "month 02", eax, 0x02
    CMOS_READ REG_DAY
    CHECK_EQ "day 29", eax, 0x29
    CMOS_READ REG_HOURS
    CHECK_EQ "hour 12", eax, 0x12
    CMOS_READ REG_MINUTES
    CHECK_EQ "minute 34", eax, 0x34
    CMOS_READ REG_SECONDS
    mov ebx, eax
    and ebx, 0x0F
    cmp ebx, 9
    setbe bl
    cmp eax, 0x59
    setbe al
    and al, bl
    movzx eax, al
    CHECK_EQ "seconds are a BCD number up to 59", eax, 1

    CMOS_READ16 0x15
    CHECK_EQ "CMOS base memory 640 KiB", eax, 640
    CMOS_READ16 0x17
    CHECK_EQ "CMOS extended memory in KiB, capped at 0xFFFF", eax, 0xFFFF
    CMOS_READ16 0x30
    CHECK_EQ "CMOS extended memory copy", eax, 0xFFFF
    CMOS_READ16 0x34
    CHECK_EQ "CMOS memory above 16 MiB in 64 KiB units", eax, (128 - 16) * 16
    CMOS_READ 0x5F
    CHECK_EQ "CMOS CPU count minus one", eax, 0
    CMOS_READ 0x14
    CHECK_EQ "CMOS equipment byte: FPU, PS/2 mouse", eax, 0x06
    CMOS_READ 0x3D
    CHECK_EQ "CMOS boot order: floppy, hard disk", eax, 0x12
    CMOS_READ 0x38
    CHECK_EQ "CMOS boot order: CD-ROM third", eax, 0x30
    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    ret

wait_uip_clear:
    mov ecx, 1000000
.wait:
    CMOS_READ REG_A
    test al, A_UIP
    jz .done
    loop .wait
.done:
    ret

; Runs inside the IRQ 8 stub, before its EOIs.
irq8_hook:
    CMOS_READ REG_C
    or [c_flags_seen], eax
    cmp dword [reg_c_first], 0
    jne .done
    mov [reg_c_first], eax
    call pic_read_isr
    mov [isr_in_handler], eax
.done:
    ret

align 4
reg_c_first:    dd 0
isr_in_handler: dd 0
c_flags_seen:   dd 0
uip_seen:       dd 0
seconds_before: dd 0
seconds_after:  dd 0

%include "lib/irq.inc"
%include "lib/end.inc"
