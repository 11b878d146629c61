; SMP determinism workload (run with -smp 4, twice, by run_determinism_test.sh): the BSP starts
; three APs with INIT/SIPI/SIPI (as smp_ipi.asm), then all four vCPUs take a shared spinlock
; (LOCK XCHG, PAUSE while it is held) ROUNDS times each, append their APIC ID to a shared log
; under the lock and count. The BSP checks the count and each CPU's share, and prints a checksum
; of the interleaving: which vCPU got the lock when. glasspc runs vCPUs in fixed turns on one
; host thread, so two runs must print the same interleaving and retire the same instructions
; (Intel SDM vol. 3A 9.4.4.1 start-up; 9.10.6.1 spin-wait loops use PAUSE).
%include "lib/multiboot.inc"
%include "apic.inc"

TRAMPOLINE      equ 0x8000
SIPI_VECTOR     equ TRAMPOLINE >> 12
AP_STACK_SIZE   equ 1024
ROUNDS          equ 3000
CPUS            equ 4

test_main:
    call apic_setup
    call apic_quiet_pic
    call lapic_enable
    mov esi, trampoline
    mov edi, TRAMPOLINE
    mov ecx, trampoline_end - trampoline
    rep movsb
    LAPIC_WR LAPIC_ICR_HIGH, 0
    LAPIC_WR LAPIC_ICR_LOW, 0x000C4500
    call icr_wait_idle
    mov eax, 10000
    call delay_us
    LAPIC_WR LAPIC_ICR_LOW, 0x000C4600 | SIPI_VECTOR
    call icr_wait_idle
    mov eax, 200
    call delay_us
    LAPIC_WR LAPIC_ICR_LOW, 0x000C4600 | SIPI_VECTOR
    call icr_wait_idle

    xor ebx, ebx                        ; the BSP works too, as APIC ID 0
    call work
.wait_all:
    pause
    cmp dword [done], CPUS
    jb .wait_all
    CHECK_EQ "every CPU finished", [done], CPUS
    CHECK_EQ "the lock-protected count is exact", [count], CPUS * ROUNDS
    ; each APIC ID appears ROUNDS times in the log; checksum = FNV-1a over the log
    xor ecx, ecx
    mov edx, 0x811C9DC5
.hash:
    movzx eax, byte [log + ecx]
    inc dword [shares + eax * 4]
    xor edx, eax
    imul edx, edx, 0x01000193
    inc ecx
    cmp ecx, CPUS * ROUNDS
    jb .hash
    mov [checksum], edx
    CHECK_EQ "CPU 0's share", [shares + 0], ROUNDS
    CHECK_EQ "CPU 1's share", [shares + 4], ROUNDS
    CHECK_EQ "CPU 2's share", [shares + 8], ROUNDS
    CHECK_EQ "CPU 3's share", [shares + 12], ROUNDS
    mov esi, checksum_text
    call serial_puts
    mov eax, [checksum]
    call serial_puthex
    mov al, 10
    call serial_putc
    ret

; ebx = APIC ID: ROUNDS times take the lock, log the ID, count, release.
work:
    mov ecx, ROUNDS
.round:
    mov eax, 1
.spin:
    xchg eax, [lock_word]               ; XCHG with memory is locked (SDM vol. 2 XCHG)
    test eax, eax
    jz .got
.held:
    pause
    cmp dword [lock_word], 0
    jne .held
    mov eax, 1
    jmp .spin
.got:
    mov eax, [count]
    mov [log + eax], bl
    inc dword [count]
    mov dword [lock_word], 0
    dec ecx
    jnz .round
    lock inc dword [done]
    ret

; eax = ICR delivery status after a bounded wait.
icr_wait_idle:
    mov edx, 100000
.poll:
    LAPIC_RD LAPIC_ICR_LOW
    and eax, ICR_BUSY
    jz .idle
    dec edx
    jnz .poll
.idle:
    ret

; 32-bit AP entry from the trampoline, flat segments loaded.
ap_main:
    mov eax, [LAPIC_BASE + LAPIC_ID]
    shr eax, 24
    mov ebx, eax
    inc eax
    imul eax, eax, AP_STACK_SIZE
    lea esp, [ap_stacks + eax]
    call work
.halt:
    cli
    hlt
    jmp .halt

; Real-mode start-up code, copied to TRAMPOLINE; CS = TRAMPOLINE >> 4, IP = 0.
bits 16
trampoline:
    cli
    mov ax, cs
    mov ds, ax
    o32 lgdt [tramp_gdt_pointer - trampoline]
    mov eax, cr0
    or al, 1
    mov cr0, eax
    jmp dword SEL_CODE32:tramp_pm + 0     ; absolute: tramp_pm runs from the image
tramp_gdt_pointer:
    dw apic_gdt_end - apic_gdt - 1
    dd apic_gdt
trampoline_end:
bits 32
tramp_pm:
    mov ax, SEL_DATA32
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov fs, ax
    mov gs, ax
    jmp ap_main

align 4
lock_word:      dd 0
count:          dd 0
done:           dd 0
checksum:       dd 0
shares:         times CPUS dd 0
checksum_text:  db "interleaving checksum ", 0
align 16
ap_stacks:      times 8 * AP_STACK_SIZE db 0
log:            times CPUS * ROUNDS db 0

%include "lib/irq.inc"
%include "lib/end.inc"
