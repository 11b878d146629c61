; The 8254 as firmware and kernels time with it, polled with interrupts off: the counter latch
; command and the read-back command (status and count) on a mode 0 count, port 0x61's refresh
; toggle, and counter 2 through port 0x61: a mode 0 count watched on OUT 2, and a rate generator
; reloaded by a rising edge on GATE 2. Intel 82C54 datasheet, "Read-Back Command", "Mode 0" and
; "Mode 2"; PIIX3 datasheet, NMI Status and Control Register.
%include "lib/multiboot.inc"

PIT_CH0         equ 0x40
PIT_CH2         equ 0x42
PIT_CONTROL     equ 0x43
PORT61          equ 0x61
P61_GATE2       equ 0x01
P61_SPEAKER     equ 0x02
P61_REFRESH     equ 0x10
P61_OUT2        equ 0x20
CH0_MODE0       equ 0x30        ; counter 0, LSB then MSB, mode 0, binary
CH2_MODE0       equ 0xB0        ; counter 2, LSB then MSB, mode 0, binary
CH2_MODE2       equ 0xB4        ; counter 2, LSB then MSB, mode 2, binary
LATCH_CH0       equ 0x00
LATCH_CH2       equ 0x80
READBACK_STATUS_CH0 equ 0xE2    ; read-back: status only, counter 0
READBACK_COUNT_CH0  equ 0xD2    ; read-back: count only, counter 0
READBACK_BOTH_CH0   equ 0xC2
STATUS_OUT      equ 0x80
STATUS_PROGRAM  equ 0x3F        ; RW1 RW0 M2 M1 M0 BCD
CH0_COUNT       equ 0xF000      ; 51 ms: long enough for a slow first pass through this code
CH2_COUNT       equ 0x0400      ; 0.86 ms
CH2_LONG_COUNT  equ 0x8000      ; 27 ms

test_main:
    ; Everything is measured first and reported afterwards: printing takes milliseconds of
    ; serial line time, longer than the counts being watched.
    mov al, CH0_MODE0
    out PIT_CONTROL, al
    mov al, CH0_COUNT & 0xFF
    out PIT_CH0, al
    mov al, CH0_COUNT >> 8
    out PIT_CH0, al

    mov al, READBACK_STATUS_CH0
    out PIT_CONTROL, al
    in al, PIT_CH0
    movzx eax, al
    and eax, STATUS_OUT | STATUS_PROGRAM
    mov [status_counting], eax

    ; Latched counts as the counter runs down from CH0_COUNT. The first one is taken once the count
    ; is loaded (at the first clock edge after it was written; until then the datasheet leaves
    ; the counting element undefined), the next once it has changed again.
    mov ecx, 1000000
.loaded:
    call latch_ch0
    test eax, eax
    jz .not_yet
    cmp eax, CH0_COUNT
    jb .running
.not_yet:
    loop .loaded
.running:
    mov [first_latch], eax
    mov ebx, eax
    mov ecx, 1000000
.changes:
    call latch_ch0
    cmp eax, ebx
    jne .changed
    loop .changes
.changed:
    mov [second_latch], eax

    mov al, READBACK_COUNT_CH0
    out PIT_CONTROL, al
    call read_count_ch0
    mov [readback_count], eax

    ; Status and count latched together come back status first.
    mov al, READBACK_BOTH_CH0
    out PIT_CONTROL, al
    in al, PIT_CH0
    movzx eax, al
    and eax, STATUS_PROGRAM
    mov [both_status], eax
    call read_count_ch0
    mov [both_count], eax

    call wait_ch0_out
    mov [terminal_out], eax

    ; Counter 2 in mode 0 with GATE 2 high, as Linux calibrates the TSC: OUT 2 is low while
    ; the count runs and rises at terminal count.
    in al, PORT61
    and al, ~P61_SPEAKER & 0xFF
    or al, P61_GATE2
    out PORT61, al
    mov al, CH2_MODE0
    out PIT_CONTROL, al
    mov al, CH2_COUNT & 0xFF
    out PIT_CH2, al
    mov al, CH2_COUNT >> 8
    out PIT_CH2, al
    in al, PORT61
    movzx eax, al
    and eax, P61_OUT2 | P61_GATE2
    mov [port61_counting], eax
    mov ecx, 100000000
.high:
    in al, PORT61
    test al, P61_OUT2
    jnz .went_high
    loop .high
.went_high:
    movzx eax, al
    and eax, P61_OUT2
    mov [port61_terminal], eax

    ; Counter 2 as a rate generator: a rising edge on GATE 2 reloads the count.
    mov al, CH2_MODE2
    out PIT_CONTROL, al
    mov al, CH2_LONG_COUNT & 0xFF
    out PIT_CH2, al
    mov al, CH2_LONG_COUNT >> 8
    out PIT_CH2, al
    mov ecx, 100000000
.half:
    call latch_ch2
    cmp eax, CH2_LONG_COUNT / 2
    jb .past_half
    loop .half
.past_half:
    mov [before_retrigger], eax
    in al, PORT61
    and al, ~P61_GATE2 & 0xFF
    out PORT61, al
    or al, P61_GATE2
    out PORT61, al
    mov ecx, 1000000            ; the reload happens at the next clock edge
.reload:
    call latch_ch2
    cmp eax, CH2_LONG_COUNT / 2
    jae .reloaded
    loop .reload
.reloaded:
    mov [after_retrigger], eax

    ; The refresh toggle flips as time passes (BIOS delay loops count its edges).
    in al, PORT61
    and al, P61_REFRESH
    mov bl, al
    mov ecx, 10000000
.toggle:
    in al, PORT61
    and al, P61_REFRESH
    cmp al, bl
    jne .toggled
    loop .toggle
.toggled:
    xor al, bl
    movzx eax, al
    mov [refresh_toggle], eax
    in al, PORT61
    and al, ~P61_GATE2 & 0xFF
    out PORT61, al

    CHECK_EQ "read-back status: mode 0 programmed, OUT low while counting", [status_counting], CH0_MODE0
    cmp dword [first_latch], CH0_COUNT
    setb al
    movzx eax, al
    CHECK_EQ "latched count below the initial count", eax, 1
    mov eax, [second_latch]
    cmp eax, [first_latch]
    setb al
    movzx eax, al
    CHECK_EQ "a later latch reads a lower count", eax, 1
    mov eax, [readback_count]
    cmp eax, [second_latch]
    setbe al
    movzx eax, al
    CHECK_EQ "read-back count not above the last latch", eax, 1
    CHECK_EQ "read-back of both: status first", [both_status], CH0_MODE0
    mov eax, [both_count]
    cmp eax, [readback_count]
    setbe al
    movzx eax, al
    CHECK_EQ "read-back of both: then the count", eax, 1
    CHECK_EQ "mode 0 OUT high at terminal count", [terminal_out], STATUS_OUT
    CHECK_EQ "port 0x61: GATE 2 set, OUT 2 low while counting", [port61_counting], P61_GATE2
    CHECK_EQ "port 0x61: OUT 2 high at terminal count", [port61_terminal], P61_OUT2
    cmp dword [before_retrigger], CH2_LONG_COUNT / 2
    setb al
    movzx eax, al
    CHECK_EQ "rate generator counts down past half", eax, 1
    cmp dword [after_retrigger], CH2_LONG_COUNT / 2
    setae al
    movzx eax, al
    CHECK_EQ "GATE 2 rising edge reloads the count", eax, 1
    CHECK_EQ "port 0x61 refresh bit toggles", [refresh_toggle], P61_REFRESH
    ret

; eax = counter 2's count via the counter latch command
latch_ch2:
    mov al, LATCH_CH2
    out PIT_CONTROL, al
    in al, PIT_CH2
    mov ah, al
    in al, PIT_CH2
    xchg al, ah
    movzx eax, ax
    ret

; eax = counter 0's count via the counter latch command
latch_ch0:
    mov al, LATCH_CH0
    out PIT_CONTROL, al
; eax = the latched count of counter 0, LSB then MSB
read_count_ch0:
    in al, PIT_CH0
    mov ah, al
    in al, PIT_CH0
    xchg al, ah
    movzx eax, ax
    ret

; eax = STATUS_OUT once counter 0's OUT is high (0 if it never rises)
wait_ch0_out:
    mov ecx, 100000000
.wait:
    mov al, READBACK_STATUS_CH0
    out PIT_CONTROL, al
    in al, PIT_CH0
    test al, STATUS_OUT
    jnz .done
    loop .wait
.done:
    movzx eax, al
    and eax, STATUS_OUT
    ret

align 4
status_counting:    dd 0
first_latch:        dd 0
second_latch:       dd 0
readback_count:     dd 0
both_status:        dd 0
both_count:         dd 0
terminal_out:       dd 0
port61_counting:    dd 0
port61_terminal:    dd 0
before_retrigger:   dd 0
after_retrigger:    dd 0
refresh_toggle:     dd 0

%include "lib/end.inc"
