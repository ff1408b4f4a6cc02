"""Running notebooks: one ward, the portfolio."""
