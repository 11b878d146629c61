// Tests for bus/archive (being written).
