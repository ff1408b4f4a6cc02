"""Vietnamese text: figures, dates."""
