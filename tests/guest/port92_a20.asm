; The fast A20 gate of port 0x92 (82371SB datasheet, 4.7.6 Port 92 Register, ALT_A20_GATE): with
; bit 1 clear, address line 20 is forced low, so 0x300600 aliases 0x200600 (a wraparound probe);
; with it set, the two are distinct memory again. The bit reads back as written. The probe runs
; from a copy below 1 MiB (bit 20 clear), because this image at 1 MiB would itself move while
; A20 is off; the stack is only touched with A20 on.
%include "lib/multiboot.inc"

PORT92          equ 0x92
A20_GATE        equ 0x02
PROBE_LOW       equ 0x200600
PROBE_HIGH      equ 0x300600    ; PROBE_LOW | bit 20
LOW_COPY        equ 0x70000

test_main:
    mov esi, probe
    mov edi, LOW_COPY
    mov ecx, probe_end - probe
    rep movsb

    xor eax, eax                ; A20 off, FAST_INIT clear
    mov edi, LOW_COPY
    call edi
    mov [seen_off], ebx
    mov [port_off], ecx
    mov eax, A20_GATE           ; A20 on
    mov edi, LOW_COPY
    call edi
    mov [seen_on], ebx
    mov [port_on], ecx

    CHECK_EQ "port 0x92 reads bit 1 clear after writing it clear", [port_off], 0
    CHECK_EQ "A20 off: 0x300600 wraps onto 0x200600", [seen_off], 0x22222222
    CHECK_EQ "port 0x92 reads bit 1 set after writing it set", [port_on], A20_GATE
    CHECK_EQ "A20 on: 0x300600 and 0x200600 are distinct", [seen_on], 0x11111111
    ret

; Copied to LOW_COPY and called there. In: al = value for port 0x92. Out: ebx = the dword at
; PROBE_LOW after writing PROBE_LOW then PROBE_HIGH, ecx = port 0x92's bit 1 as read back.
; A20 is switched back on before returning.
probe:
    out PORT92, al
    mov dword [PROBE_LOW], 0x11111111
    mov dword [PROBE_HIGH], 0x22222222
    mov ebx, [PROBE_LOW]
    in al, PORT92
    movzx ecx, al
    and ecx, A20_GATE
    mov al, A20_GATE
    out PORT92, al
    ret
probe_end:

align 4
seen_off:   dd 0
seen_on:    dd 0
port_off:   dd 0
port_on:    dd 0

%include "lib/end.inc"
