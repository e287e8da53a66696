"""Site adapters, one module per site; the parser issue fills this in."""
