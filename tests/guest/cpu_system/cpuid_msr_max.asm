; cpuid_msr with "-cpu max", where CPUID advertises RDTSCP: the RDTSCP/IA32_TSC_AUX path runs.
%include "cpuid_msr.asm"
