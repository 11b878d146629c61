// Tests for bus/machine (being written).
