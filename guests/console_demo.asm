; The default guest until Linux boots: a bare-metal multiboot kernel that greets, reports what the
; loader told it, and echoes what you type on COM1 (polled). Typing 'q' powers off through
; isa-debug-exit (exit status 1); Ctrl-A x quits glasspc at any time.
%include "lib/multiboot.inc"

test_main:
    mov esi, banner
    call serial_puts
    mov ebx, [mb_boot_ebx]
    mov esi, mem_text
    call serial_puts
    mov eax, [ebx + 8]          ; mem_upper in KiB
    shr eax, 10
    add eax, 1                  ; plus the first MiB
    call print_decimal
    mov esi, mib_text
    call serial_puts
    mov esi, cmdline_text
    call serial_puts
    mov esi, [ebx + 16]
    call serial_puts
    mov esi, prompt
    call serial_puts
.poll:
    mov dx, COM1 + UART_LSR
    in al, dx
    test al, 1                  ; LSR.DR: a byte has arrived
    jz .poll
    mov dx, COM1
    in al, dx
    cmp al, 'q'
    je .quit
    cmp al, 13
    jne .echo
    mov al, 13
    call serial_putc
    mov al, 10
.echo:
    call serial_putc
    jmp .poll
.quit:
    mov esi, bye
    call serial_puts
    call serial_drain
    xor eax, eax
    mov dx, DEBUG_EXIT_PORT
    out dx, eax
    cli
.hang:
    hlt
    jmp .hang

; eax = value, printed in decimal
print_decimal:
    push ebx
    push ecx
    push edx
    mov ebx, 10
    xor ecx, ecx
.divide:
    xor edx, edx
    div ebx
    push edx
    inc ecx
    test eax, eax
    jnz .divide
.emit:
    pop eax
    add al, '0'
    call serial_putc
    loop .emit
    pop edx
    pop ecx
    pop ebx
    ret

banner:       db 13, 10, "glasspc console demo: a bare-metal guest on an interpreted x86 CPU", 13, 10, 0
mem_text:     db "RAM reported by the multiboot loader: ", 0
mib_text:     db " MiB", 13, 10, 0
cmdline_text: db "command line: ", 0
prompt:       db 13, 10, "Type and it echoes; 'q' powers off, Ctrl-A x quits.", 13, 10, "> ", 0
bye:          db 13, 10, "bye", 13, 10, 0

%include "lib/end.inc"
