; ISA interrupts through the I/O APIC with the 8259 masked (82093AA datasheet 3.2.4; Intel SDM
; vol. 3A 11.8.4-11.8.5; MP spec 5.3: ISA IRQ 0 is wired to I/O APIC input 2). The PIT's channel 0
; (IRQ 0) arrives on GSI 2 as an edge-triggered fixed interrupt; masking its redirection entry
; stops the interrupts, unmasking resumes them. The UART's THRE interrupt (IRQ 4, a level that
; stays high until IIR is read) routed level-triggered sets remote IRR and TMR; an EOI without
; servicing the UART delivers it again, an EOI after servicing ends it.
%include "lib/multiboot.inc"
%include "apic.inc"

PIT_CH0     equ 0x40
PIT_CONTROL equ 0x43
PIT_VECTOR  equ 0x50
UART_VECTOR equ 0x58
UART_IER    equ 1
UART_IIR    equ 2
UART_MCR    equ 4

test_main:
    call apic_setup
    call apic_quiet_pic
    call lapic_enable
    call ioapic_mask_all

    mov eax, 1
    call ioapic_read
    and eax, 0x00FF00FF
    CHECK_EQ "IOAPIC version 0x20, 24 entries", eax, 0x00170020

    ; PIT channel 0: rate generator at ~2 kHz.
    mov al, 0x34
    out PIT_CONTROL, al
    mov al, 597 & 0xFF
    out PIT_CH0, al
    mov al, 597 >> 8
    out PIT_CH0, al

    mov ebx, 2                      ; GSI 2: fixed, physical, edge, active high, to APIC 0
    mov eax, PIT_VECTOR
    xor edx, edx
    call ioapic_set_entry
    call ioapic_entry_low
    CHECK_EQ "redirection entry 2 reads back (delivery status idle)", eax, PIT_VECTOR
    mov ebx, PIT_VECTOR
    mov edi, 4
    mov esi, 200                        ; 2 ms would do; QEMU TCG's timers lag at times
    call wait_vector
    cmp eax, 4
    setae al
    movzx eax, al
    CHECK_EQ "PIT IRQ 0 arrives on GSI 2 (4 interrupts)", eax, 1
    mov ecx, 0x20                       ; nothing from the masked 8259 (vectors 0x20-0x2F)
    xor eax, eax
.pic_vectors:
    add eax, [vec_counts + ecx * 4]
    inc ecx
    cmp ecx, 0x30
    jb .pic_vectors
    CHECK_EQ "no 8259 vector arrives", eax, 0

    ; Masked: the PIT keeps running but nothing arrives.
    mov ebx, 2
    mov eax, IOAPIC_ENTRY_MASKED | PIT_VECTOR
    xor edx, edx
    call ioapic_set_entry
    sti                                 ; one accepted before the mask may still wait in IRR
    nop
    nop
    cli
    mov edi, [vec_counts + PIT_VECTOR * 4]
    mov eax, 3000
    call delay_us
    mov eax, [vec_counts + PIT_VECTOR * 4]
    sub eax, edi
    CHECK_EQ "masked entry 2: no interrupt", eax, 0
    mov eax, PIT_VECTOR                 ; unmask
    xor edx, edx
    call ioapic_set_entry
    mov ecx, [vec_counts + PIT_VECTOR * 4]
    mov ebx, PIT_VECTOR
    lea edi, [ecx + 2]
    mov esi, 200
    call wait_vector
    sub eax, ecx
    cmp eax, 2
    setae al
    movzx eax, al
    CHECK_EQ "unmasked entry 2: interrupts resume", eax, 1
    mov eax, IOAPIC_ENTRY_MASKED | PIT_VECTOR
    xor edx, edx
    call ioapic_set_entry
    mov al, 0x30                        ; PIT: one-shot mode, never started: quiet
    out PIT_CONTROL, al

    ; ---- level-triggered: the UART's THRE interrupt on GSI 4 ----------------------------------
    mov ebx, 4
    mov eax, IOAPIC_ENTRY_LEVEL | UART_VECTOR
    xor edx, edx
    call ioapic_set_entry
    mov dword [vec_hooks + UART_VECTOR * 4], uart_hook
    mov dword [vec_log_len], 0
    call serial_drain
    mov dx, COM1 + UART_MCR             ; OUT2 gates the UART's interrupt onto the ISA bus
    mov al, 0x08
    out dx, al
    mov dx, COM1 + UART_IER             ; THRE interrupt on: the transmitter is idle, so now
    mov al, 0x02
    out dx, al
    mov ebx, UART_VECTOR
    mov edi, 2
    mov esi, 50                         ; 5 ms
    call wait_vector
    mov eax, 1000                       ; and a while longer: no third one
    call delay_us
    mov dx, COM1 + UART_IER
    xor al, al
    out dx, al
    mov dx, COM1 + UART_MCR
    out dx, al
    ; Reports only now: printing on COM1 would itself raise THRE.
    CHECK_EQ "level GSI 4: EOI before service re-delivers, twice in all", [uart_calls], 2
    CHECK_EQ "remote IRR set while the level interrupt is in service", [remote_irr_seen], 1
    CHECK_EQ "TMR bit set for the level-triggered vector", [tmr_seen], 1
    mov ebx, 4
    call ioapic_entry_low
    CHECK_EQ "remote IRR clear after the final EOI", eax, IOAPIC_ENTRY_LEVEL | UART_VECTOR
    VECTOR_BIT LAPIC_ISR, UART_VECTOR
    CHECK_EQ "ISR bit clear after the EOI", eax, 0

    ; A level interrupt pending while its entry is masked is delivered when it is unmasked.
    mov ebx, 4
    mov eax, IOAPIC_ENTRY_MASKED | IOAPIC_ENTRY_LEVEL | UART_VECTOR
    xor edx, edx
    call ioapic_set_entry
    mov dword [uart_calls], 1           ; the hook services the UART at once
    call serial_drain
    mov dx, COM1 + UART_MCR
    mov al, 0x08
    out dx, al
    mov dx, COM1 + UART_IER
    mov al, 0x02
    out dx, al
    mov edi, [vec_counts + UART_VECTOR * 4]
    mov eax, 1000
    call delay_us
    mov esi, [vec_counts + UART_VECTOR * 4]
    sub esi, edi
    mov ebx, 4
    mov eax, IOAPIC_ENTRY_LEVEL | UART_VECTOR
    xor edx, edx
    call ioapic_set_entry
    sti
    nop
    nop
    cli
    mov eax, [vec_counts + UART_VECTOR * 4]
    sub eax, edi
    mov edi, eax
    mov dx, COM1 + UART_IER
    xor al, al
    out dx, al
    mov dx, COM1 + UART_MCR
    out dx, al
    mov eax, esi
    CHECK_EQ "masked level entry: nothing delivered", eax, 0
    CHECK_EQ "unmasking the asserted level entry delivers at once", edi, 1
    ret

; The first call leaves the UART's interrupt pending and checks remote IRR and TMR; the second
; services it (reading IIR clears a THRE interrupt) before the EOI.
uart_hook:
    inc dword [uart_calls]
    cmp dword [uart_calls], 1
    jne .service
    mov ebx, 4
    call ioapic_entry_low
    and eax, IOAPIC_REMOTE_IRR
    shr eax, 14
    mov [remote_irr_seen], eax
    VECTOR_BIT LAPIC_TMR, UART_VECTOR
    mov [tmr_seen], eax
    ret
.service:
    mov dx, COM1 + UART_IIR
    in al, dx
    ret

align 4
uart_calls:         dd 0
remote_irr_seen:    dd -1
tmr_seen:           dd -1

%include "lib/irq.inc"
%include "lib/end.inc"
