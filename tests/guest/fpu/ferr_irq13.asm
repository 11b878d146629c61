; PC/AT-compatible x87 error reporting (CR0.NE = 0), through the board: the CPU's FERR# output
; sets the chipset's latch, which drives ISA IRQ 13 (slave 8259 input 5, vector 0x2D here) until
; software writes port 0xF0 (SDM vol. 1 8.7 "Handling x87 FPU Exceptions in Software", D.2.1.1,
; D.2.1.2; PIIX3 datasheet, port F0h). Checked:
; - an unmasked error raises nothing by itself; the next FWAIT (a waiting instruction) asserts
;   FERR# and IRQ 13 arrives, without #MF;
; - the MS-DOS handler (OUT 0xF0, FNCLEX, EOI) lets the next error interrupt again;
; - without the OUT 0xF0 the line stays latched: a new error after FNCLEX brings no second IRQ 13;
; - OUT 0xF0 while FERR# is still asserted (no FNCLEX yet) brings no new IRQ 13 either: only a new
;   assertion of FERR# sets the latch;
; - with CR0.NE = 1 the same error is #MF and IRQ 13 stays quiet.
%include "lib/multiboot.inc"
%include "cpu_system/sys.inc"
%include "lib/irq.inc"

CR0_MP      equ 1 << 1
CR0_EM      equ 1 << 2
CR0_TS      equ 1 << 3
CR0_NE      equ 1 << 5
FCW_ZM_OPEN equ 0x037B              ; FNINIT's 0x037F with ZM (bit 2) clear
FSW_ES      equ 1 << 7
FERR_PORT   equ 0xF0
IRQ_FERR    equ 13
VEC_MF      equ 16

; FWAIT_WITH_IRQS: FWAIT with interrupts enabled, then a bounded wait for IRQ 13 to have arrived
; [irq_target] times; interrupts are disabled again afterwards.
%macro FWAIT_WITH_IRQS 0
    sti
    fwait
    call wait_irq13
%endmacro

test_main:
    call sys_init
    xor ecx, ecx
.vectors:                           ; ISA IRQ 0-15 -> vectors 0x20-0x2F, irq.inc's stubs
    mov eax, [irq_stub_table + ecx * 4]
    push ecx
    add ecx, IRQ_VECTOR_BASE
    mov bx, SEL_CODE0
    mov dx, 0x8E00
    call set_gate
    pop ecx
    inc ecx
    cmp ecx, 16
    jb .vectors
    call pic_init
    mov al, 0xFB                    ; master: only the cascade (IRQ 2)
    out PIC1_DATA, al
    mov al, 0xDF                    ; slave: only IRQ 13
    out PIC2_DATA, al
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS | CR0_NE)
    or eax, CR0_MP
    mov cr0, eax

    ; ---- the error itself, then FWAIT ----
    mov dword [irq_hooks + IRQ_FERR * 4], hook_dos
    call make_pending
    call pic_read_irr
    and eax, 1 << IRQ_FERR
    CHECK_EQ "the unmasked error alone requests no IRQ 13", eax, 0
    mov dword [irq_target], 1
    TRY .first
    FWAIT_WITH_IRQS
.first:
    CHECK_EQ "CR0.NE = 0: FWAIT with the error pending does not fault", [exc_vector], -1
    CHECK_EQ "FWAIT: IRQ 13 arrived once", [irq_counts + IRQ_FERR * 4], 1
    CHECK_EQ "the IRQ 13 handler saw FSW.ES", [hook_es], FSW_ES
    fnstsw ax
    and eax, FSW_ES
    CHECK_EQ "the handler's FNCLEX cleared ES", eax, 0

    ; ---- after the full handler, the next error interrupts again ----
    call make_pending
    mov dword [irq_target], 2
    FWAIT_WITH_IRQS
    CHECK_EQ "OUT 0xF0, FNCLEX: the next error is IRQ 13 again", [irq_counts + IRQ_FERR * 4], 2

    ; ---- the latch holds IRQ 13 until port 0xF0 is written ----
    mov dword [irq_hooks + IRQ_FERR * 4], hook_fnclex_only
    call make_pending
    mov dword [irq_target], 3
    FWAIT_WITH_IRQS
    CHECK_EQ "handler without OUT 0xF0: IRQ 13 arrived", [irq_counts + IRQ_FERR * 4], 3
    call make_pending
    mov dword [irq_target], 4
    FWAIT_WITH_IRQS
    CHECK_EQ "no OUT 0xF0: a new error brings no second IRQ 13", [irq_counts + IRQ_FERR * 4], 3
    fnclex
    mov al, 0
    out FERR_PORT, al
    mov dword [irq_hooks + IRQ_FERR * 4], hook_dos
    call make_pending
    FWAIT_WITH_IRQS
    CHECK_EQ "after OUT 0xF0: the next error is IRQ 13 again", [irq_counts + IRQ_FERR * 4], 4

    ; ---- OUT 0xF0 with FERR# still asserted: no new edge ----
    mov dword [irq_hooks + IRQ_FERR * 4], hook_out_only
    call make_pending
    mov dword [irq_target], 5
    FWAIT_WITH_IRQS
    CHECK_EQ "handler with OUT 0xF0 only: IRQ 13 arrived", [irq_counts + IRQ_FERR * 4], 5
    mov dword [irq_target], 6
    FWAIT_WITH_IRQS                 ; ES still set: FERR# stays asserted
    CHECK_EQ "FERR# still asserted after OUT 0xF0: no new IRQ 13", [irq_counts + IRQ_FERR * 4], 5
    fnclex
    mov dword [irq_hooks + IRQ_FERR * 4], hook_dos
    call make_pending
    FWAIT_WITH_IRQS
    CHECK_EQ "FNCLEX, then a new error: IRQ 13 again", [irq_counts + IRQ_FERR * 4], 6

    ; ---- CR0.NE = 1: #MF instead ----
    mov eax, cr0
    or eax, CR0_NE
    mov cr0, eax
    call make_pending
    mov dword [irq_target], 7
    TRY .native
    sti
    fwait
.native:
    call wait_irq13
    CHECK_EQ "CR0.NE = 1: FWAIT takes #MF", [exc_vector], VEC_MF
    CHECK_EQ "CR0.NE = 1: no IRQ 13", [irq_counts + IRQ_FERR * 4], 6
    fnclex
    CHECK_EQ "no interrupt on another vector", [irq_unexpected_count], 0
    ret

; FNINIT, unmask divide by zero, 1.0 / 0.0: ZE and ES, nothing reported yet.
make_pending:
    cli
    fninit
    mov word [cw_open], FCW_ZM_OPEN
    fldcw [cw_open]
    fldz
    fld1
    fdiv st0, st1
    ret

; Waits (interrupts enabled, bounded) until [irq_target] IRQ 13s have arrived; ends with IF = 0.
wait_irq13:
    mov ecx, 200000
    sti
.wait:
    mov eax, [irq_counts + IRQ_FERR * 4]
    cmp eax, [irq_target]
    jae .done
    loop .wait
.done:
    cli
    ret

; The MS-DOS handler: clear the latch (port 0xF0), then the x87 exception (SDM vol. 1 D.2.1.2).
hook_dos:
    fnstsw ax
    and eax, FSW_ES
    mov [hook_es], eax
    mov al, 0
    out FERR_PORT, al
    fnclex
    ret

hook_fnclex_only:
    fnclex
    ret

hook_out_only:
    mov al, 0
    out FERR_PORT, al
    ret

align 4
irq_target: dd 0
hook_es:    dd -1
cw_open:    dw 0

%include "lib/end.inc"
