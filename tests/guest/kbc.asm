; The 8042 keyboard controller as firmware drives it: controller self test, the command byte,
; a keyboard reset through the data port, and the A20 gate through the output port (with A20
; off, addresses wrap at 1 MiB as on the 8086). IBM PC/AT Technical Reference, "Keyboard
; Controller"; Intel SDM vol. 3, 21.33.2 "Address wraparound".
%include "lib/multiboot.inc"

KBC_DATA        equ 0x60
KBC_STATUS      equ 0x64
STATUS_OBF      equ 0x01
STATUS_IBF      equ 0x02
CMD_READ_BYTE   equ 0x20
CMD_WRITE_BYTE  equ 0x60
CMD_SELF_TEST   equ 0xAA
CMD_READ_OUTPUT equ 0xD0
CMD_WRITE_OUTPUT equ 0xD1
OUTPUT_A20_OFF  equ 0xDD        ; reset line high, A20 low (the value DOS HIMEM writes)
OUTPUT_A20_ON   equ 0xDF
OUTPUT_A20      equ 0x02
; Interrupts and translation off, mouse port disabled, system flag set: nothing but replies.
TEST_COMMAND_BYTE equ 0x24
LOW_ADDRESS     equ 0x200000
HIGH_ADDRESS    equ 0x300000    ; LOW_ADDRESS with bit 20 set
LOW_CODE        equ 0x20000     ; where the A20 probe runs: below 1 MiB, unaffected by the gate

test_main:
    call kbc_flush
    mov al, CMD_SELF_TEST
    call kbc_command
    call kbc_read
    CHECK_EQ "self test answers 0x55", eax, 0x55

    mov al, CMD_WRITE_BYTE
    call kbc_command
    mov al, TEST_COMMAND_BYTE
    call kbc_write_data
    mov al, CMD_READ_BYTE
    call kbc_command
    call kbc_read
    CHECK_EQ "command byte reads back", eax, TEST_COMMAND_BYTE

    mov al, 0xFF                ; keyboard: reset and self test
    call kbc_write_data
    call kbc_read
    CHECK_EQ "keyboard acknowledges reset", eax, 0xFA
    call kbc_read
    CHECK_EQ "keyboard passes its self test", eax, 0xAA

    ; The A20 probe runs below 1 MiB: with the gate closed, this image (at 1 MiB) is not
    ; reachable. It returns the value read at LOW_ADDRESS with A20 off in ebx and the output
    ; port's A20 bit with A20 off in edi.
    mov esi, a20_probe
    mov edi, LOW_CODE
    mov ecx, a20_probe_end - a20_probe
    rep movsb
    mov dword [LOW_ADDRESS], 0x11111111
    mov dword [HIGH_ADDRESS], 0x22222222
    call LOW_CODE
    mov edx, [LOW_ADDRESS]
    mov ebp, [HIGH_ADDRESS]
    CHECK_EQ "A20 off: the write at 3 MiB landed at 2 MiB", ebx, 0x33333333
    CHECK_EQ "A20 off: output port bit 1 clear", edi, 0
    CHECK_EQ "A20 on again: 2 MiB kept the wrapped write", edx, 0x33333333
    CHECK_EQ "A20 on again: 3 MiB is separate", ebp, 0x22222222
    mov al, CMD_READ_OUTPUT
    call kbc_command
    call kbc_read
    and eax, OUTPUT_A20
    CHECK_EQ "A20 on again: output port bit 1 set", eax, OUTPUT_A20
    ret

; Position independent and stackless between closing and opening the gate (the stack is above
; 1 MiB too).
a20_probe:
.wait1:
    in al, KBC_STATUS
    test al, STATUS_IBF
    jnz .wait1
    mov al, CMD_WRITE_OUTPUT
    out KBC_STATUS, al
.wait2:
    in al, KBC_STATUS
    test al, STATUS_IBF
    jnz .wait2
    mov al, OUTPUT_A20_OFF
    out KBC_DATA, al
.wait3:
    in al, KBC_STATUS
    test al, STATUS_IBF
    jnz .wait3
    mov dword [HIGH_ADDRESS], 0x33333333
    mov ebx, [LOW_ADDRESS]
    mov al, CMD_READ_OUTPUT
    out KBC_STATUS, al
.wait4:
    in al, KBC_STATUS
    test al, STATUS_OBF
    jz .wait4
    in al, KBC_DATA
    movzx edi, al
    and edi, OUTPUT_A20
    mov al, CMD_WRITE_OUTPUT
    out KBC_STATUS, al
.wait5:
    in al, KBC_STATUS
    test al, STATUS_IBF
    jnz .wait5
    mov al, OUTPUT_A20_ON
    out KBC_DATA, al
.wait6:
    in al, KBC_STATUS
    test al, STATUS_IBF
    jnz .wait6
    ret
a20_probe_end:

; Empties the output buffer of whatever the firmware left.
kbc_flush:
    mov ecx, 64
.next:
    in al, KBC_STATUS
    test al, STATUS_OBF
    jz .done
    in al, KBC_DATA
    loop .next
.done:
    ret

kbc_wait_input_empty:
    push ecx
    mov ecx, 1000000
.wait:
    in al, KBC_STATUS
    test al, STATUS_IBF
    jz .done
    loop .wait
.done:
    pop ecx
    ret

; al = controller command
kbc_command:
    push eax
    call kbc_wait_input_empty
    pop eax
    out KBC_STATUS, al
    ret

; al = data byte (to the keyboard, or a command's parameter)
kbc_write_data:
    push eax
    call kbc_wait_input_empty
    pop eax
    out KBC_DATA, al
    ret

; eax = the next output byte, or 0xFFFFFFFF if none arrives
kbc_read:
    push ecx
    mov ecx, 1000000
.wait:
    in al, KBC_STATUS
    test al, STATUS_OBF
    jnz .ready
    loop .wait
    pop ecx
    mov eax, 0xFFFFFFFF
    ret
.ready:
    in al, KBC_DATA
    movzx eax, al
    pop ecx
    ret

%include "lib/end.inc"
