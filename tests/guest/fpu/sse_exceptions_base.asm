; The checks of sse_exceptions.inc on "-cpu base" (x86-64 baseline): CPUID reports no SSE3, SSSE3,
; SSE4.1 or SSE4.2 there, and their instructions must be #UD.
%include "sse_exceptions.inc"
