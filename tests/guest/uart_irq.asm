; COM1's transmitter-empty interrupt on ISA IRQ 4. On a PC the UART's INTR output reaches the
; bus only through the OUT2 pin (MCR bit 3), so an enabled THRE interrupt interrupts the CPU once
; OUT2 is set; the handler identifies it in IIR, which also clears it (PC16550D section 8.6).
%include "lib/multiboot.inc"

UART_IER    equ 1
UART_IIR    equ 2
UART_MCR    equ 4
IER_THRE    equ 0x02
MCR_OUT2    equ 0x08
IIR_ID_MASK equ 0x0F
IIR_THRE    equ 0x02

test_main:
    call irq_setup
    call pic_init
    mov dword [irq_hooks + 4 * 4], irq4_hook
    mov al, 0xEF                ; OCW1: only IRQ 4 enabled
    out PIC1_DATA, al

    ; THRE interrupt with OUT2 set: the transmitter is idle, so enabling ETBEI raises it at once.
    call serial_drain
    mov dx, COM1 + UART_MCR
    mov al, MCR_OUT2
    out dx, al
    mov dx, COM1 + UART_IER
    mov al, IER_THRE
    out dx, al
    call pic_read_irr
    and eax, 1 << 4
    mov edi, eax
    sti
    mov ecx, 100000
.wait:
    cmp dword [irq_counts + 4 * 4], 0
    jne .arrived
    loop .wait
.arrived:
    cli
    mov dx, COM1 + UART_IER     ; quiet before printing: polled output needs no interrupts
    xor al, al
    out dx, al
    mov dx, COM1 + UART_MCR
    out dx, al
    CHECK_EQ "IRQ 4 requested with OUT2 set", edi, 1 << 4
    CHECK_EQ "one THRE interrupt on vector 0x24", [irq_counts + 4 * 4], 1
    mov eax, [iir_in_handler]
    and eax, IIR_ID_MASK
    CHECK_EQ "IIR identifies THRE in the handler", eax, IIR_THRE
    CHECK_EQ "no other vector arrived", [irq_unexpected_count], 0
    mov al, 0xFF
    out PIC1_DATA, al
    ret

irq4_hook:
    mov dx, COM1 + UART_IIR
    in al, dx
    movzx eax, al
    mov [iir_in_handler], eax
    ret

align 4
iir_in_handler: dd 0xFF

%include "lib/irq.inc"
%include "lib/end.inc"
