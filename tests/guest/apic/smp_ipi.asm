; Multiprocessor start-up and IPIs through the xAPIC ICR (Intel SDM vol. 3A 9.4.4.1 "Typical BSP
; Initialization Sequence", 11.6.1 "Interrupt Command Register"; run with -smp 4). The BSP sends
; INIT, then STARTUP twice (the second one is ignored by an AP already running), to all excluding
; self; each AP starts in real mode at 0x8000 (start-up vector 0x08), enters protected mode, loads
; the BSP's GDT and IDT, software-enables its LAPIC, records its APIC ID, prints it on COM1
; (under a spinlock), increments a counter with LOCK, then halts. The BSP checks three APs arrived
; with distinct IDs 1-3. Then a fixed IPI goes from the BSP to the AP with APIC ID 2, whose
; handler sends a fixed IPI back to APIC ID 0.
%include "lib/multiboot.inc"
%include "apic.inc"
%include "smp.inc"

TO_AP_VECTOR    equ 0x70
TO_BSP_VECTOR   equ 0x71
AP_STACK_SIZE   equ 1024
TARGET_AP       equ 2

test_main:
    call apic_setup
    call apic_quiet_pic
    call lapic_enable
    mov dword [vec_hooks + TO_AP_VECTOR * 4], to_ap_hook

    call smp_start_aps
    mov esi, 200                        ; up to 200 ms for all three
.wait_aps:
    cmp dword [ap_count], 3
    jae .arrived
    mov eax, 1000
    call delay_us
    dec esi
    jnz .wait_aps
.arrived:
    mov eax, 2000                       ; a second STARTUP must not have started anyone twice
    call delay_us
    CHECK_EQ "three APs started, once each", [ap_count], 3
    CHECK_EQ "AP APIC IDs 1, 2, 3 (distinct)", [ap_id_mask], 0xE
    CHECK_EQ "every AP entered protected mode through the trampoline", [ap_pm_entries], 3

    ; BSP -> AP 2: fixed, physical destination 2.
    LAPIC_WR LAPIC_ICR_HIGH, TARGET_AP << 24
    LAPIC_WR LAPIC_ICR_LOW, 0x00004000 | TO_AP_VECTOR
    call icr_wait_idle
    CHECK_EQ "ICR idle after the fixed IPI", eax, 0
    mov ebx, TO_BSP_VECTOR
    mov edi, 1
    mov esi, 100                        ; 10 ms
    call wait_vector
    mov eax, 1000
    call delay_us
    CHECK_EQ "only the addressed AP took the IPI", [vec_counts + TO_AP_VECTOR * 4], 1
    CHECK_EQ "the AP that took it has APIC ID 2", [to_ap_receiver], TARGET_AP
    CHECK_EQ "AP -> BSP IPI arrived once", [vec_counts + TO_BSP_VECTOR * 4], 1
    CHECK_EQ "no exception on any CPU", [exc_count], 0
    ret

; On the AP: record who took it and answer the BSP (APIC ID 0).
to_ap_hook:
    mov eax, [LAPIC_BASE + LAPIC_ID]
    shr eax, 24
    mov [to_ap_receiver], eax
    mov dword [LAPIC_BASE + LAPIC_ICR_HIGH], 0
    mov dword [LAPIC_BASE + LAPIC_ICR_LOW], 0x00004000 | TO_BSP_VECTOR
    ret

; 32-bit AP entry from the trampoline, flat segments loaded.
ap_main:
    mov eax, [LAPIC_BASE + LAPIC_ID]
    shr eax, 24
    mov ebx, eax
    inc eax
    imul eax, eax, AP_STACK_SIZE
    lea esp, [ap_stacks + eax]
    lock inc dword [ap_pm_entries]
    call apic_load_tables
    mov dword [LAPIC_BASE + LAPIC_SVR], 0x100 | SPURIOUS_VECTOR
    mov dword [LAPIC_BASE + LAPIC_TPR], 0
    lock bts [ap_id_mask], ebx
    ; Each AP says who it is on COM1, one at a time (the line is a shared resource).
.take:
    mov eax, 1
    xchg eax, [print_lock]
    test eax, eax
    jz .print
    pause
    jmp .take
.print:
    mov esi, ap_text
    call serial_puts
    mov eax, ebx
    call serial_puthex
    mov al, 10
    call serial_putc
    mov dword [print_lock], 0
    lock inc dword [ap_count]
.halt:
    sti
    hlt
    jmp .halt

ap_text:        db "AP up, APIC ID ", 0
align 4
print_lock:     dd 0
ap_count:       dd 0
ap_id_mask:     dd 0
ap_pm_entries:  dd 0
to_ap_receiver: dd -1
align 16
ap_stacks:      times 8 * AP_STACK_SIZE db 0

%include "lib/irq.inc"
%include "lib/end.inc"
