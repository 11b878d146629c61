; The timer interrupt through the 8259 in protected mode: the PIT's channel 0 as a ~1 kHz rate
; generator raises IRQ 0, the master PIC delivers vector 0x20, the handler sees IR0 in service and
; ends it with an EOI. A masked IRQ 0 is latched in IRR but not delivered until it is unmasked.
%include "lib/multiboot.inc"

PIT_CH0     equ 0x40
PIT_CONTROL equ 0x43
PIT_1KHZ    equ 1193                ; 1.193182 MHz / 1193 = 1000.15 Hz
TICKS       equ 10

test_main:
    call irq_setup
    call pic_init
    mov dword [irq_hooks + 0 * 4], irq0_hook

    mov al, 0xFE                ; OCW1: only IRQ 0 enabled
    out PIC1_DATA, al
    in al, PIC1_DATA
    movzx eax, al
    CHECK_EQ "master IMR reads back", eax, 0xFE

    mov al, 0x34                ; counter 0, LSB then MSB, mode 2 (rate generator), binary
    out PIT_CONTROL, al
    mov al, PIT_1KHZ & 0xFF
    out PIT_CH0, al
    mov al, PIT_1KHZ >> 8
    out PIT_CH0, al

    ; With IF clear the first edge stays pending in IRR.
    mov ecx, 10000000
.wait_irr:
    call pic_read_irr
    test al, 1
    jnz .irr_set
    loop .wait_irr
.irr_set:
    and eax, 1
    CHECK_EQ "IRQ 0 requested in IRR before STI", eax, 1

    ; Ten interrupts, each waking the CPU from HLT once the first has shown that they arrive.
    mov ebx, 0
    call irq_wait_first
    test eax, eax
    jz .ticked
    mov ecx, 1000
.wait_ticks:
    sti
    hlt
    cli
    cmp dword [irq_counts + 0 * 4], TICKS
    jae .ticked
    loop .wait_ticks
.ticked:
    mov eax, [irq_counts + 0 * 4]
    cmp eax, TICKS
    setae al
    movzx eax, al
    CHECK_EQ "ten IRQ 0 interrupts on vector 0x20", eax, 1
    CHECK_EQ "IR0 in service inside the handler", [isr_in_handler], 1
    call pic_read_isr
    CHECK_EQ "no IRQ in service after the EOIs", eax, 0
    CHECK_EQ "no other vector arrived", [irq_unexpected_count], 0

    ; Masked: the request is latched in IRR, but nothing is delivered even with IF set.
    mov al, 0xFF
    out PIC1_DATA, al
    mov ebx, [irq_counts + 0 * 4]
    sti
    mov ecx, 10000000
.wait_masked:
    call pic_read_irr
    test al, 1
    jnz .masked_irr
    loop .wait_masked
.masked_irr:
    and eax, 1
    mov edi, eax
    mov ecx, 1000               ; a while longer with the request pending and IF set
.spin:
    call pic_read_irr
    loop .spin
    mov ebp, [irq_counts + 0 * 4]
    sub ebp, ebx
    cli
    CHECK_EQ "masked IRQ 0 latched in IRR", edi, 1
    CHECK_EQ "masked IRQ 0 not delivered", ebp, 0

    ; Unmasking delivers the pending request at once.
    mov ebx, [irq_counts + 0 * 4]
    mov al, 0xFE
    out PIC1_DATA, al
    sti
    mov ecx, 1000
.wait_unmasked:
    cmp [irq_counts + 0 * 4], ebx
    jne .delivered
    loop .wait_unmasked
.delivered:
    cli
    mov eax, [irq_counts + 0 * 4]
    sub eax, ebx
    cmp eax, 0
    setne al
    movzx eax, al
    CHECK_EQ "unmasked IRQ 0 delivered", eax, 1

    mov al, 0xFF                ; quiet again for the report
    out PIC1_DATA, al
    ret

; Runs inside the IRQ 0 stub, before its EOI.
irq0_hook:
    call pic_read_isr
    cmp eax, 1
    jne .done
    mov dword [isr_in_handler], 1
.done:
    ret

align 4
isr_in_handler: dd 0

%include "lib/irq.inc"
%include "lib/end.inc"
