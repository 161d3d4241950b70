"""minigrad's operations, one module per family; each op is a Function (forward + backward)."""
