// Tests for bus/register_bank (being written).
