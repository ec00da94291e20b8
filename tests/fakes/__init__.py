"""In-memory doubles of the ports, for fast tests of the pass without HTTP."""
