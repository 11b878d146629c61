; x87 Mandelbrot: 640 x 320 points of [-2, 0.5] x [-1.25, 1.25], at most 256 iterations each,
; with FMUL/FADD/FSUB/FXCH/FCOMIP on the register stack at double precision (FPU control word
; PC = 53 bits, SDM Vol. 1 8.1.5.2), so the host's IEEE doubles reproduce it exactly. The checksum
; folds every point's iteration count.
%define BENCH_EXPECT 0xd50ec3e7
%include "bench.inc"
WIDTH    equ 640
HEIGHT   equ 320
MAX_ITER equ 256
bench_body:
    fldcw [control]
    xor ebx, ebx                ; ebx = checksum
    mov dword [py], 0
.row:
    fild dword [py]             ; ci = py * dy + y0
    fmul qword [step_y]
    fadd qword [y0]
    fstp qword [ci]
    mov dword [px], 0
.point:
    fild dword [px]             ; cr = px * dx + x0
    fmul qword [step_x]
    fadd qword [x0]
    fstp qword [cr]
    fldz                        ; zi
    fldz                        ; zr zi
    xor ecx, ecx                ; ecx = iterations
.iter:
    fld st0                     ; zr zr zi
    fmul st0, st0               ; zr2 zr zi
    fld st2                     ; zi zr2 zr zi
    fmul st0, st0               ; zi2 zr2 zr zi
    fld st1                     ; zr2 zi2 zr2 zr zi
    fadd st0, st1               ; mag zi2 zr2 zr zi
    fld qword [four]            ; 4 mag zi2 zr2 zr zi
    fcomip st0, st1             ; CF = 4 < mag
    fstp st0                    ; zi2 zr2 zr zi
    jb .escaped
    fsubp st1, st0              ; zr2-zi2 zr zi
    fadd qword [cr]             ; zr' zr zi
    fxch st1                    ; zr zr' zi
    fmulp st2, st0              ; zr' zr*zi
    fxch st1                    ; zr*zi zr'
    fadd st0, st0               ; 2*zr*zi zr'
    fadd qword [ci]             ; zi' zr'
    fxch st1                    ; zr' zi'
    inc ecx
    cmp ecx, MAX_ITER
    jb .iter
    fstp st0
    fstp st0
    jmp .count
.escaped:
    fcompp
    fcompp
.count:
    imul ebx, ebx, 31
    add ebx, ecx
    inc dword [px]
    cmp dword [px], WIDTH
    jb .point
    inc dword [py]
    cmp dword [py], HEIGHT
    jb .row
    mov eax, ebx
    ret

align 8
control: dw 0x027F              ; all exceptions masked, PC = double, RC = nearest
align 8
step_x:  dq 0.00390625          ; 2.5 / 640
step_y:  dq 0.0078125           ; 2.5 / 320
x0:      dq -2.0
y0:      dq -1.25
four:    dq 4.0
cr       equ BENCH_DATA
ci       equ BENCH_DATA + 8
px       equ BENCH_DATA + 16
py       equ BENCH_DATA + 20
%include "lib/end.inc"
