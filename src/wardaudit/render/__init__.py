"""What an auditor reads: the ward page, charts, messages, the text form of a check."""
