"""The auditor's decisions on findings, what they say across wards, the letter to the ward.

``from wardaudit.review import decide`` is what the ward notebook tells an auditor to call."""
from wardaudit.review.decisions import decide

__all__ = ["decide"]
