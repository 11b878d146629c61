// Tests for bus/scheduler (being written).
