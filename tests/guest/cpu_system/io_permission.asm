; I/O protection at CPL 3 in protected mode: with CPL > IOPL every IN/OUT consults the TSS I/O
; permission bitmap (one bit per port, every bit of a multi-byte access must be clear), a denied
; port or a bitmap byte beyond the TSS limit gives #GP(0); with IOPL = 3 the bitmap is not looked
; at. CLI is IOPL-sensitive as well. Intel SDM vol. 1, 19.5 "Protection in Protected Mode";
; vol. 3, 2.3 / 7.2.1.
%include "lib/multiboot.inc"
%include "sys.inc"

SCRATCH     equ 0x3FF               ; 16550 scratch register: harmless to read and write
DENIED      equ 0x3FE
PAIR        equ 0x2F8 + 7           ; COM2 scratch: another allowed port (pair 0x2FE/0x2FF)

%macro ALLOW 1
    btr dword [sys_iomap + (%1 / 32) * 4], (%1 % 32)
%endmacro

test_main:
    call sys_init
    mov al, 0xFF                    ; no ISA interrupt while a CPL 3 piece runs with IF set
    out 0x21, al
    out 0xA1, al
    ALLOW SCRATCH
    ALLOW 0x80
    ALLOW 0x81
    ALLOW 0x82                      ; 0x83 stays denied

    ; IOPL 0: an allowed port works.
    mov dword [ring3_eflags], 0x2
    mov dword [r3_value], 0
    TRY .allowed_fault
    mov eax, r3_scratch
    call call_ring3
    mov dword [exc_resume], 0
    mov eax, [r3_value]
    CHECK_EQ "allowed port: OUT then IN of the scratch register at CPL 3", eax, 0x5A
    jmp .denied
.allowed_fault:
    CHECK_EQ "allowed port: no fault", [exc_vector], -2

.denied:
    ; A denied port: #GP(0) on the IN itself.
    TRY .denied_fault
    mov eax, r3_denied
    call call_ring3
.denied_fault:
    CHECK_EQ "denied port: #GP", [exc_vector], 13
    CHECK_EQ "denied port: error code 0", [exc_error], 0
    CHECK_EQ "denied port: EIP of the IN", [exc_eip], r3_denied_in
    CHECK_EQ "denied port: CS is ring 3", [exc_cs], SEL_CODE3

    ; OUT to a denied port faults too (and the write does not happen).
    TRY .out_fault
    mov eax, r3_denied_out
    call call_ring3
.out_fault:
    CHECK_EQ "OUT to a denied port: #GP(0)", [exc_error], 0
    CHECK_EQ "OUT to a denied port: vector", [exc_vector], 13

    ; A 16-bit access covering the allowed 0x3FF and the denied 0x400.
    TRY .span1_fault
    mov eax, r3_span_up
    call call_ring3
.span1_fault:
    CHECK_EQ "word IN at 0x3FF (0x400 denied): #GP", [exc_vector], 13
    CHECK_EQ "word IN at 0x3FF: EIP", [exc_eip], r3_span_up_in
    ; ... and the denied 0x3FE with the allowed 0x3FF.
    TRY .span2_fault
    mov eax, r3_span_down
    call call_ring3
.span2_fault:
    CHECK_EQ "word IN at 0x3FE (0x3FE denied): #GP", [exc_vector], 13
    CHECK_EQ "word IN at 0x3FE: error code 0", [exc_error], 0

    ; A 16-bit access where both ports are allowed works.
    mov dword [r3_value], 0
    TRY .pair_fault
    mov eax, r3_pair
    call call_ring3
    mov dword [exc_resume], 0
    CHECK_EQ "word IN at 0x80 (0x80 and 0x81 allowed) works", [r3_value], 1
    jmp .dword
.pair_fault:
    CHECK_EQ "word IN at 0x80: no fault", [exc_vector], -2

.dword:
    ; A dword access 0x80..0x83 with only 0x83 denied.
    TRY .dword_fault
    mov eax, r3_dword
    call call_ring3
.dword_fault:
    CHECK_EQ "dword IN at 0x80 (0x83 denied): #GP", [exc_vector], 13
    CHECK_EQ "dword IN at 0x80: EIP of the IN", [exc_eip], r3_dword
    ; String I/O is checked the same way: OUTSB to a denied port, INSB from an allowed one.
    TRY .outs_fault
    mov eax, r3_outsb
    call call_ring3
.outs_fault:
    CHECK_EQ "OUTSB to a denied port: #GP", [exc_vector], 13
    CHECK_EQ "OUTSB to a denied port: ESI not advanced", [r3_esi], r3_value
    mov dword [r3_value], 0
    TRY .ins_fault
    mov eax, r3_insb
    call call_ring3
    mov dword [exc_resume], 0
    CHECK_EQ "INSB from an allowed port stores the byte", [r3_value], 0x3C
    jmp .cli
.ins_fault:
    CHECK_EQ "INSB from an allowed port: no fault", [exc_vector], -2

.cli:
    ; CLI at CPL 3 with IOPL 0: #GP(0).
    TRY .cli_fault
    mov eax, r3_cli
    call call_ring3
.cli_fault:
    CHECK_EQ "CLI at CPL 3, IOPL 0: #GP", [exc_vector], 13
    CHECK_EQ "CLI at CPL 3, IOPL 0: error 0", [exc_error], 0

    ; IOPL 3: the bitmap is not consulted, and CLI is allowed.
    mov dword [ring3_eflags], 0x3002
    mov dword [r3_value], 0
    TRY .iopl3_fault
    mov eax, r3_iopl3
    call call_ring3
    mov dword [exc_resume], 0
    CHECK_EQ "IOPL 3: denied port, CLI and STI work at CPL 3", [r3_value], 0xA5
    jmp .popf
.iopl3_fault:
    CHECK_EQ "IOPL 3: no fault", [exc_vector], -2

.popf:
    ; POPF at CPL 3 changes neither IOPL nor (with IOPL < CPL) IF, and does not fault.
    mov dword [ring3_eflags], 0x2
    mov dword [r3_value], -1
    mov eax, r3_popf
    call call_ring3
    CHECK_EQ "POPF at CPL 3, IOPL 0: IF and IOPL unchanged, CF loaded", [r3_value], 0x0003
    mov dword [ring3_eflags], 0x3002
    mov dword [r3_value], -1
    mov eax, r3_popf_iopl3
    call call_ring3
    CHECK_EQ "POPF at CPL 3, IOPL 3: IF changes, IOPL does not", [r3_value], 0x3203

.limit:
    ; A bitmap that ends before the port's byte: shrink the TSS limit so that it covers ports
    ; 0..0x3FF only (the bitmap bytes 0..0x7F) and reload TR. The 0x80 port stays allowed, the
    ; scratch register 0x3FF needs bitmap byte 0x7F and the processor reads two bytes (0x7F and
    ; 0x80): the second lies beyond the limit, so even an allowed port there faults.
    mov dword [ring3_eflags], 0x2
    mov ecx, SEL_TSS0
    mov eax, sys_tss0
    mov ebx, TSS_IOMAP + 0x80 - 1   ; last byte of the TSS: bitmap byte 0x7F
    mov edx, 0x89
    call set_desc
    mov ax, SEL_TSS0
    ltr ax
    mov dword [r3_value], 0
    TRY .limit_low_fault
    mov eax, r3_pair
    call call_ring3
    mov dword [exc_resume], 0
    CHECK_EQ "short TSS: a port inside the bitmap still works", [r3_value], 1
    jmp .limit_high
.limit_low_fault:
    CHECK_EQ "short TSS: port 0x80 no fault", [exc_vector], -2
.limit_high:
    TRY .limit_high_fault
    mov eax, r3_scratch
    call call_ring3
.limit_high_fault:
    CHECK_EQ "short TSS: bitmap bytes beyond the limit give #GP", [exc_vector], 13
    CHECK_EQ "short TSS: error code 0", [exc_error], 0
    ret

; ---- CPL 3 code ----
r3_scratch:
    mov dx, SCRATCH
    mov al, 0x5A
    out dx, al
    xor eax, eax
    in al, dx
    mov [r3_value], eax
    int RING0_VECTOR
r3_denied:
    mov dx, DENIED
r3_denied_in:
    in al, dx
    int RING0_VECTOR
r3_denied_out:
    mov dx, DENIED
    mov al, 0
    out dx, al
    int RING0_VECTOR
r3_span_up:
    mov dx, SCRATCH
r3_span_up_in:
    in ax, dx
    int RING0_VECTOR
r3_span_down:
    mov dx, DENIED
    in ax, dx
    int RING0_VECTOR
r3_pair:
    in ax, 0x80
    mov dword [r3_value], 1
    int RING0_VECTOR
r3_dword:
    in eax, 0x80
    int RING0_VECTOR
r3_outsb:
    mov esi, r3_value
    mov [r3_esi], esi
    mov dx, DENIED
    outsb
    mov [r3_esi], esi
    int RING0_VECTOR
r3_insb:
    mov dx, SCRATCH
    mov al, 0x3C
    out dx, al
    mov edi, r3_value
    insb
    int RING0_VECTOR
r3_popf:
    push dword 0x0203               ; IF, CF; IOPL 0 asked
    or dword [esp], 0x3000          ; ... and IOPL 3 asked
    popfd
    pushfd
    pop eax
    and eax, 0x3203
    mov [r3_value], eax
    int RING0_VECTOR
r3_popf_iopl3:
    push dword 0x0203               ; IF set, IOPL 0 asked
    popfd
    pushfd
    pop eax
    cli
    and eax, 0x3203
    mov [r3_value], eax
    int RING0_VECTOR
r3_cli:
    cli
    int RING0_VECTOR
r3_iopl3:
    cli
    mov dx, DENIED
    in al, dx
    mov dx, SCRATCH
    mov al, 0xA5
    out dx, al
    in al, dx
    sti                             ; the STI shadow covers the CLI: no interrupt in between
    cli
    movzx eax, al
    mov [r3_value], eax
    int RING0_VECTOR

align 4
r3_value: dd 0
r3_esi: dd 0

%include "lib/end.inc"
