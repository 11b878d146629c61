// Tests for bus/memory_map (being written).
