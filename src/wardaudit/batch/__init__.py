"""Many wards at once: locally in parallel or on a Dask cluster."""
