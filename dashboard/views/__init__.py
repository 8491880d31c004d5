"""The pages of the seller dashboard, one module per area."""
