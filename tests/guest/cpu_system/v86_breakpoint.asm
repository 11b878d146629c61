; v86_mode plus an instruction breakpoint (DR0) on V86 code: it matches the linear address
; segment * 16 + IP and the #DB frame is a V86 frame (Intel SDM vol. 3, 18.2.4 and 20.3).
; Kept apart because QEMU 7.2 TCG crashes (segmentation fault) on this breakpoint.
%define V86_BREAKPOINT
%include "v86_mode.asm"
