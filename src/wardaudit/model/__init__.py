"""The data the pipeline passes along: documents, findings."""
