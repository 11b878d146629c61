; Baseline: boots and exits at once, to subtract emulator start-up time.
%include "bench.inc"
bench_body:
    ret
%include "lib/end.inc"
