; The timer interrupt through the 8259 in real mode, the way a BIOS and DOS see it: the master
; 8259 programmed with vector base 08h (IRQ 0 -> INT 08h, ICW2), the PIT's counter 0 as a 1 kHz
; rate generator, an IVT entry for INT 08h that counts and sends a non-specific EOI, and HLT
; between interrupts. Back in protected mode the test checks the count, that the handler ran in
; real mode with the IVT's CS, and that nothing stayed in service. 8259A data sheet (ICW1-ICW4,
; OCW2), 8254 data sheet (mode 2), Intel SDM vol. 3, 20.1.4 "Interrupt and Exception Handling"
; (real-address mode).
%include "lib/multiboot.inc"
%include "cpu_modes/pm_exc.inc"

RM_CS       equ 0xFFFF              ; real-mode CS whose base (0xFFFF0) reaches this image
%define RM(x) ((x) - mb_header + 0x10) ; offset of a label in segment 0xFFFF (image at 1 MiB)
PIT_CH0     equ 0x40
PIT_CONTROL equ 0x43
PIT_1KHZ    equ 1193
TICKS       equ 10

rm_ivt_pointer: dw 0x3FF
                dd 0

test_main:
    call exc_setup
    pushad
    mov [pm_esp], esp
    mov ax, SEL_DATA16
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    jmp SEL_CODE16:RM(.pm16)
bits 16
.pm16:
    mov eax, cr0
    and eax, ~1
    mov cr0, eax
    jmp RM_CS:RM(.rm)
.rm:
    xor ax, ax
    mov ss, ax
    mov sp, 0x7000
    mov ax, RM_CS
    mov ds, ax
    lidt [RM(rm_ivt_pointer)]
    xor ax, ax
    mov es, ax
    mov word [es:0x08 * 4], RM(.irq0_handler)
    mov word [es:0x08 * 4 + 2], RM_CS
    ; Master 8259: edge, cascade, ICW4; vector base 08h; slave on IR2; 8086 mode. Only IR0.
    mov al, 0x11
    out 0x20, al
    mov al, 0x08
    out 0x21, al
    mov al, 0x04
    out 0x21, al
    mov al, 0x01
    out 0x21, al
    mov al, 0xFE
    out 0x21, al
    mov al, 0xFF
    out 0xA1, al
    mov al, 0x34                ; counter 0, LSB/MSB, mode 2, binary
    out PIT_CONTROL, al
    mov al, PIT_1KHZ & 0xFF
    out PIT_CH0, al
    mov al, PIT_1KHZ >> 8
    out PIT_CH0, al
    mov cx, 1000                ; bounded wait: at most 1000 wake-ups
    sti
.wait:
    hlt
    cmp word [RM(rm_ticks)], TICKS
    jae .done
    loop .wait
.done:
    cli
    mov al, 0xFF
    out 0x21, al
    mov al, 0x0B                ; OCW3: read ISR
    out 0x20, al
    in al, 0x20
    mov [RM(rm_isr)], al
    mov eax, cr0
    or eax, 1
    mov cr0, eax
    jmp dword SEL_CODE32:.pm32
.irq0_handler:
    push ax
    push bp
    mov bp, sp
    mov ax, [bp + 6]            ; the interrupted CS from the 3-word frame (above BP and AX)
    mov [RM(rm_frame_cs)], ax
    inc word [RM(rm_ticks)]
    mov al, 0x20                ; non-specific EOI
    out 0x20, al
    pop bp
    pop ax
    iret
bits 32
.pm32:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    mov esp, [pm_esp]
    lidt [exc_idt_pointer]
    popad
    movzx eax, word [rm_ticks]
    CHECK_EQ "ten IRQ 0 interrupts through INT 08h in real mode", eax, TICKS
    movzx eax, word [rm_frame_cs]
    CHECK_EQ "the handler's frame holds the real-mode CS", eax, RM_CS
    movzx eax, byte [rm_isr]
    CHECK_EQ "nothing left in service after the EOIs", eax, 0
    ret

pm_esp:         dd 0
rm_ticks:       dw 0
rm_frame_cs:    dw 0
rm_isr:         db 0

%include "lib/end.inc"
