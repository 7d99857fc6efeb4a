"""Pure rules of the coordination view: no framework, no I/O."""
