; The 16550 as a guest driver sees it: scratch register, divisor latch, loopback echo and the
; line status register's data-ready and transmitter-empty bits.
%include "lib/multiboot.inc"

test_main:
    mov dx, COM1 + 7            ; SCR
    mov al, 0x5a
    out dx, al
    in al, dx
    movzx eax, al
    CHECK_EQ "scratch register holds a value", eax, 0x5a

    mov dx, COM1 + 3            ; DLAB on, read back the divisor latch
    mov al, 0x83
    out dx, al
    mov dx, COM1
    mov al, 0x0c
    out dx, al
    in al, dx
    movzx eax, al
    push eax
    mov dx, COM1 + 3
    mov al, 0x03
    out dx, al
    pop eax
    CHECK_EQ "divisor latch reads back", eax, 0x0c
    mov dx, COM1                ; restore 115200 baud
    mov al, 0x83
    add dx, 3
    out dx, al
    sub dx, 3
    mov al, 1
    out dx, al
    add dx, 3
    mov al, 0x03
    out dx, al

    ; Loopback: what is transmitted is received. Nothing reaches the wire meanwhile, so the results
    ; are only checked (and printed) after loopback is switched off again. Characters still
    ; shifting out when loopback starts would be looped back too, so drain the transmitter first.
    call serial_drain
    mov dx, COM1 + 4            ; MCR: loopback
    mov al, 0x10
    out dx, al
    mov dx, COM1
    mov al, 'Q'
    out dx, al
    mov ecx, 1000000
    mov dx, COM1 + 5
.wait_rx:
    in al, dx
    test al, 1
    jnz .got
    loop .wait_rx
.got:
    movzx ebx, al
    and ebx, 1
    mov dx, COM1
    in al, dx
    movzx edi, al
    mov dx, COM1 + 5            ; the only byte was read: data ready must be clear again
    in al, dx
    movzx ebp, al
    and ebp, 1
    call serial_drain
    mov dx, COM1 + 4            ; MCR: normal operation
    xor al, al
    out dx, al
    CHECK_EQ "loopback sets data ready", ebx, 1
    CHECK_EQ "loopback returns the byte", edi, 'Q'
    CHECK_EQ "data ready clear after reading", ebp, 0
    ret

%include "lib/end.inc"
