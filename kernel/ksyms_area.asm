; kernel/ksyms_area.asm - room for the symbol table in the kernel image.
; The first link leaves it zeroed; tools/ksyms.py then writes the sorted
; function names into it with objcopy --update-section, padded to exactly
; this size, so no address in the image moves.  See kernel/ksyms.h.
section .ksyms progbits alloc noexec nowrite align=16
    times KSYMS_RESERVE db 0
