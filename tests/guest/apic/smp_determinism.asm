; SMP determinism workload (run with -smp 4, twice, by run_determinism_test.sh): the BSP starts
; three APs with INIT/SIPI/SIPI (as smp_ipi.asm), then all four vCPUs take a shared spinlock
; (LOCK XCHG, PAUSE while it is held) ROUNDS times each, append their APIC ID to a shared log
; under the lock and count. The BSP checks the count and each CPU's share, and prints a checksum
; of the interleaving: which vCPU got the lock when. glasspc runs vCPUs in fixed turns on one
; host thread, so two runs must print the same interleaving and retire the same instructions
; (Intel SDM vol. 3A 9.4.4.1 start-up; 9.10.6.1 spin-wait loops use PAUSE).
%include "lib/multiboot.inc"
%include "apic.inc"
%include "smp.inc"

AP_STACK_SIZE   equ 1024
ROUNDS          equ 3000
CPUS            equ 4

test_main:
    call apic_setup
    call apic_quiet_pic
    call lapic_enable
    call smp_start_aps

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
