// Tests for bus/dma_space (being written).
