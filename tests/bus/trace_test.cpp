// Tests for bus/trace (being written).
