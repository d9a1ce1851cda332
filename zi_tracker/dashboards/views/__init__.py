"""Dashboard pages, one module per page family; every page costs a constant number of
queries whatever the number of units (tests assert it with one unit and with many)."""
