// Tests for bus/irq_line (being written).
