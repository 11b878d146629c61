; RDMSR and WRMSR of an MSR address the processor does not implement raise #GP(0) (Intel SDM
; vol. 2, RDMSR/WRMSR: "If the value in ECX specifies a reserved or unimplemented MSR address"),
; and so does WRMSR of a non-canonical address into IA32_LSTAR / IA32_GS_BASE or of a reserved
; EFER bit (vol. 2, WRMSR; vol. 3, 2.2.1). QEMU 7.2 TCG reads unimplemented MSRs as 0, drops the
; writes and accepts those values, so these checks follow the SDM rather than QEMU.
%include "lib/multiboot.inc"
%include "sys.inc"

UNKNOWN_MSR     equ 0x12345678

test_main:
    call sys_init
    ; ---- unimplemented MSR ----
    TRY .rd_fault
    mov ecx, UNKNOWN_MSR
    rdmsr
.rd_fault:
    CHECK_EQ "RDMSR of an unimplemented MSR: #GP", [exc_vector], 13
    CHECK_EQ "RDMSR of an unimplemented MSR: error 0", [exc_error], 0
    TRY .wr_fault
    mov ecx, UNKNOWN_MSR
    xor eax, eax
    xor edx, edx
    wrmsr
.wr_fault:
    CHECK_EQ "WRMSR of an unimplemented MSR: #GP", [exc_vector], 13
    CHECK_EQ "WRMSR of an unimplemented MSR: error 0", [exc_error], 0

%macro WRMSR_GP 4
    TRY %%f
    mov ecx, %1
    mov eax, %2
    mov edx, %3
    wrmsr
%%f:
    mov eax, [exc_vector]
    shl eax, 8
    or eax, [exc_error]
    CHECK_EQ %4, eax, 13 << 8
%endmacro
    WRMSR_GP 0xC0000082, 0, 0x00008000, "WRMSR IA32_LSTAR non-canonical: #GP(0)"
    WRMSR_GP 0xC0000101, 0, 0x00008000, "WRMSR IA32_GS_BASE non-canonical: #GP(0)"
    WRMSR_GP 0xC0000080, 2, 0, "WRMSR EFER reserved bit 1: #GP(0)"
    ret

%include "lib/end.inc"
