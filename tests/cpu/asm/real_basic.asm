; Real-mode arithmetic, stack, string and flag basics. Loaded at 0000:1000.
bits 16
org 0x1000
start:
  xor ax, ax
  mov ds, ax
  mov es, ax
  mov ax, 0x1234
  add ax, 0x0111         ; 0x1345
  mov bx, ax
  sub bx, 0x45           ; 0x1300
  push bx
  pop cx                 ; cx = 0x1300
  mov si, msg
  mov dx, 0xe9
  cld
.print:
  lodsb
  test al, al
  jz .done
  out dx, al
  jmp .print
.done:
  mov di, 0x2000
  mov al, 0x5a
  mov cx, 16
  rep stosb
  mov cx, 0x1300
  mov ax, 0x1345
  stc
  adc ax, 0              ; 0x1346
  mov [0x3000], ax
  hlt
msg: db "hello", 0
