// Host-differential harness for x87/MMX/SSE instructions (filled in with the harness).
