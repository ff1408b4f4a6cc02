"""Where things are: paths, per-ward parameters, atomic writes."""
