"""From a structured document to facts, metadata and the relations between facts."""
