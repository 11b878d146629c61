; SSE exceptions and control-register rules on the default CPU model (see sse_exceptions.inc).
%include "sse_exceptions.inc"
