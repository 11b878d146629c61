// Tests for bus/input_log (being written).
