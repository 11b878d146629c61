// Tests for the area named by this file (filled in with the handlers).
