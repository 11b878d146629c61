// Tests for bus/access_sizes (being written).
