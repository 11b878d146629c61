; x87 error reporting with CR0.NE = 1 (native mode), in 32-bit protected mode:
; - an unmasked exception (divide by zero with FCW.ZM clear) sets FSW.ZE, ES and B but does not
;   fault on the instruction that caused it; the destination stays unchanged (SDM vol. 1 8.5.3,
;   8.7 "Handling x87 FPU Exceptions in Software");
; - the NEXT waiting x87 instruction, or FWAIT, takes #MF (vector 16, no error code) with the saved
;   EIP pointing at that instruction, which does not execute; FIP/FOP still name the instruction
;   that caused the exception (SDM vol. 1 8.1.8, vol. 3 6.15 "Interrupt 16");
; - the non-waiting forms FNSTSW, FNSTCW, FNSTENV, FNCLEX and FNINIT do not fault; FNCLEX and
;   FNINIT clear the pending exception (SDM vol. 2 FCLEX, FINIT); FNSAVE stores it and
;   reinitializes, FRSTOR brings it back (SDM vol. 2 FSAVE, FRSTOR);
; - CR0.TS: #NM before the pending #MF, for every x87 instruction (SDM vol. 3 2.5 Table 2-2);
; - FLDCW that unmasks a flag that is already set makes the next waiting instruction fault (SDM
;   vol. 2 FLDCW);
; - an MMX instruction with an x87 exception pending takes #MF first (SDM vol. 1 8.7.1).
%include "lib/multiboot.inc"
%include "cpu_system/sys.inc"

CR0_MP      equ 1 << 1
CR0_EM      equ 1 << 2
CR0_TS      equ 1 << 3
CR0_NE      equ 1 << 5
FCW_ZM_OPEN equ 0x037B              ; FNINIT's 0x037F with ZM (bit 2) clear
FSW_ZE      equ 1 << 2
FSW_ES      equ 1 << 7
FSW_B       equ 1 << 15
FSW_TOP     equ 7 << 11
VEC_MF      equ 16

test_main:
    call sys_init
    mov eax, cr0
    and eax, ~(CR0_EM | CR0_TS)
    or eax, CR0_MP | CR0_NE
    mov cr0, eax

    ; ---- the faulting division itself completes without #MF ----
    TRY .div_done
    call make_pending
.div_done:
    CHECK_EQ "unmasked FDIV by zero does not fault itself", [exc_vector], -1
    fnstsw ax
    movzx eax, ax
    mov [fsw_after], eax
    and eax, 0x80FF
    CHECK_EQ "FSW after it: ZE, ES, B (no other flag)", eax, FSW_B | FSW_ES | FSW_ZE

    ; ---- the FN forms do not fault ----
    TRY .fn_done
    fnstsw [scratch]
    fnstcw [scratch + 4]
    fnstsw ax
.fn_done:
    CHECK_EQ "FNSTSW and FNSTCW with a pending exception: no fault", [exc_vector], -1
    movzx eax, word [scratch + 4]
    CHECK_EQ "FNSTCW reads the unmasked control word", eax, FCW_ZM_OPEN

    ; ---- the next waiting instruction takes #MF ----
    TRY .mf1
.mf1_insn:
    fld1
.mf1:
    CHECK_EQ "FLD1 after the error: #MF", [exc_vector], VEC_MF
    CHECK_EQ "#MF EIP is the waiting FLD1, not the FDIV", [exc_eip], .mf1_insn
    fnstsw ax
    movzx eax, ax
    CHECK_EQ "FLD1 did not execute (FSW, TOP unchanged)", eax, [fsw_after]
    ; FSTENV is waiting: use the FN form, which does not fault, to see FIP/FOP of the FDIV.
    TRY .env_done
    fnstenv [env]
.env_done:
    CHECK_EQ "FNSTENV with a pending exception: no fault", [exc_vector], -1
    CHECK_EQ "FIP names the FDIV", [env + 12], fdiv_site
    movzx eax, word [env + 18]
    and eax, 0x7FF
    CHECK_EQ "FOP is the FDIV's (D8 F1 -> 0x0F1)", eax, 0x0F1
    ; FNSTENV masked every exception (ES clear): reload the environment to pend it again.
    fldenv [env]
    fnstsw ax
    and eax, FSW_ES
    CHECK_EQ "FLDENV of the saved environment: ES again", eax, FSW_ES

    ; ---- FWAIT takes #MF too, and again until the flags are cleared ----
    TRY .mf2
.mf2_insn:
    fwait
.mf2:
    CHECK_EQ "FWAIT with the error pending: #MF", [exc_vector], VEC_MF
    CHECK_EQ "#MF EIP is the FWAIT", [exc_eip], .mf2_insn
    TRY .mf3
    fadd st0, st0
.mf3:
    CHECK_EQ "still pending on a later FADD: #MF", [exc_vector], VEC_MF

    ; ---- the destination of the faulting FDIV kept its value (1.0) ----
    fnclex
    fnstsw ax
    and eax, 0x80FF
    CHECK_EQ "FNCLEX clears ZE, ES and B", eax, 0
    TRY .after_clex
    fwait
    fld1
    fcomip st0, st1                 ; ST1 is the FDIV's destination, ST0 was the pushed 1.0
    sete al
    movzx eax, al
    mov [scratch], eax
.after_clex:
    CHECK_EQ "after FNCLEX: FWAIT and FLD1 run", [exc_vector], -1
    CHECK_EQ "the FDIV destination stayed 1.0", [scratch], 1

    ; ---- FNINIT clears a pending exception without faulting ----
    call make_pending
    TRY .init_done
    fninit
    fwait
    fld1
.init_done:
    CHECK_EQ "FNINIT with a pending exception, then FWAIT, FLD1: no fault", [exc_vector], -1

    ; ---- FLDCW unmasking a flag that is set pends the exception ----
    fninit
    fldz
    fld1
    fdiv st0, st1                   ; masked: ZE only, quotient +inf
    fnstsw ax
    and eax, FSW_ES | FSW_ZE
    CHECK_EQ "masked divide by zero: ZE without ES", eax, FSW_ZE
    mov word [scratch], FCW_ZM_OPEN
    TRY .ldcw_done
    fldcw [scratch]
.ldcw_done:
    CHECK_EQ "FLDCW itself does not fault", [exc_vector], -1
    fnstsw ax
    and eax, FSW_ES | FSW_B
    CHECK_EQ "FLDCW unmasking a set flag: ES and B", eax, FSW_ES | FSW_B
    TRY .ldcw_mf
.ldcw_mf_insn:
    fwait
.ldcw_mf:
    CHECK_EQ "FWAIT after that FLDCW: #MF", [exc_vector], VEC_MF
    CHECK_EQ "#MF EIP is that FWAIT", [exc_eip], .ldcw_mf_insn

    ; ---- FSTSW/FSAVE are FWAIT + FNSTSW/FNSAVE: the #MF is on the FWAIT byte (9B) ----
    call make_pending
    TRY .fstsw_mf
.fstsw_insn:
    fstsw ax
.fstsw_mf:
    CHECK_EQ "FSTSW AX (9B DF E0) with the error pending: #MF", [exc_vector], VEC_MF
    CHECK_EQ "#MF EIP is its FWAIT byte", [exc_eip], .fstsw_insn
    TRY .fsave_mf
.fsave_insn:
    fsave [save_area]
.fsave_mf:
    CHECK_EQ "FSAVE with the error pending: #MF at its FWAIT byte", [exc_eip], .fsave_insn
    TRY .fnsave_done
    fnsave [save_area]
.fnsave_done:
    CHECK_EQ "FNSAVE with the error pending: no fault", [exc_vector], -1
    movzx eax, word [save_area + 4]
    and eax, FSW_ES | FSW_ZE
    CHECK_EQ "FNSAVE stored FSW with ZE and ES", eax, FSW_ES | FSW_ZE
    TRY .after_fnsave
    fwait
    fld1
.after_fnsave:
    CHECK_EQ "FNSAVE reinitialized the FPU: FWAIT, FLD1 run", [exc_vector], -1
    TRY .frstor_done
    frstor [save_area]
.frstor_done:
    CHECK_EQ "FRSTOR of that image does not fault itself", [exc_vector], -1
    TRY .frstor_mf
    fwait
.frstor_mf:
    CHECK_EQ "after FRSTOR the exception is pending again: FWAIT #MF", [exc_vector], VEC_MF

    ; ---- #NM comes before #MF (CR0.TS with an exception pending) ----
    mov eax, cr0
    or eax, CR0_TS
    mov cr0, eax
    TRY .nm1
    fld1
.nm1:
    CHECK_EQ "CR0.TS and a pending exception: FLD1 takes #NM", [exc_vector], 7
    TRY .nm2
    fwait
.nm2:
    CHECK_EQ "CR0.TS, MP and a pending exception: FWAIT takes #NM", [exc_vector], 7
    TRY .nm3
    fnclex
.nm3:
    CHECK_EQ "CR0.TS: even FNCLEX takes #NM", [exc_vector], 7
    clts
    fnclex

    ; ---- MMX instructions report a pending x87 exception first ----
    call make_pending
    TRY .mmx_mf
.mmx_insn:
    paddb mm0, mm1
.mmx_mf:
    CHECK_EQ "PADDB mm with an x87 exception pending: #MF", [exc_vector], VEC_MF
    CHECK_EQ "#MF EIP is the PADDB", [exc_eip], .mmx_insn
    TRY .emms_mf
    emms
.emms_mf:
    CHECK_EQ "EMMS with an x87 exception pending: #MF", [exc_vector], VEC_MF
    fnclex
    TRY .mmx_ok
    pxor mm0, mm0
    emms
.mmx_ok:
    CHECK_EQ "after FNCLEX: PXOR mm and EMMS run", [exc_vector], -1
    ret

; FNINIT, unmask divide by zero, ST0 = 1.0 / ST1 = 0.0 -> ZE with ES pending (no fault here).
make_pending:
    fninit
    mov word [cw_open], FCW_ZM_OPEN
    fldcw [cw_open]
    fldz
    fld1
fdiv_site:
    fdiv st0, st1
    ret

align 16
env:        times 28 db 0
save_area:  times 108 db 0
scratch:    times 4 dd 0
fsw_after:  dd 0
cw_open:    dw 0

%include "lib/end.inc"
