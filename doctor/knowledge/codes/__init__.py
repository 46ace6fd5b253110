"""Finding codes, one module per area; ``doctor.registry`` joins them."""
