// Tests for bus/port_space (being written).
