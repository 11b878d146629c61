; IA32_PAT: the reset value is 0x0007040600070406, and WRMSR of an undefined memory type
; encoding (2, 3, 8..0xFF) into any PAn field raises #GP(0) and leaves the MSR unchanged.
; Intel SDM vol. 3, "Page Attribute Table (PAT)": "IA32_PAT MSR" and "PAT Initialization". QEMU 7.2 TCG accepts the
; reserved encodings; this test follows the SDM.
%include "lib/multiboot.inc"
%include "sys.inc"

MSR_PAT     equ 0x277

test_main:
    call sys_init
    mov ecx, MSR_PAT
    rdmsr
    CHECK_EQ "PAT reset value (low)", eax, 0x00070406
    CHECK_EQ "PAT reset value (high)", edx, 0x00070406
    TRY .type2
    mov ecx, MSR_PAT
    mov eax, 0x00070402             ; PA0 = 2: reserved
    mov edx, 0x00070406
    wrmsr
.type2:
    CHECK_EQ "WRMSR PAT with PA0 = 2: #GP", [exc_vector], 13
    CHECK_EQ "WRMSR PAT with PA0 = 2: error 0", [exc_error], 0
    TRY .type8
    mov ecx, MSR_PAT
    mov eax, 0x00070406
    mov edx, 0x00070408             ; PA4 = 8: reserved
    wrmsr
.type8:
    CHECK_EQ "WRMSR PAT with PA4 = 8: #GP", [exc_vector], 13
    mov ecx, MSR_PAT
    rdmsr
    CHECK_EQ "PAT unchanged after the faulting writes (low)", eax, 0x00070406
    CHECK_EQ "PAT unchanged after the faulting writes (high)", edx, 0x00070406
    ; a valid value is accepted
    mov ecx, MSR_PAT
    mov eax, 0x00010406             ; PA2 = 1 (WC)
    mov edx, 0x00070406
    wrmsr
    rdmsr
    CHECK_EQ "WRMSR PAT with valid types reads back", eax, 0x00010406
    ret

%include "lib/end.inc"
