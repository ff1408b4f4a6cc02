"""Who sends the letter to the ward, and to whom: the ``letter:`` part of the project's settings.

Every field is optional; the defaults make a letter from an inspection team (Đoàn kiểm tra) of the
ward's province to the ward's People's Committee. Names are written as in a sentence; the letterhead
sets them in capitals. ``{unit}`` (``xã Hòa Bình``), ``{ward}`` (``Hòa Bình``) and ``{province}`` are
filled in for each ward::

    letter:
      parent_body: Ủy ban nhân dân tỉnh {province}   # cơ quan chủ quản, dòng trên của tiêu đề
      issuing_body: Sở Khoa học và Công nghệ          # cơ quan ban hành (ký công văn)
      signer_title: Giám đốc                          # chức vụ người ký
      signer_name: null                               # họ tên người ký; trống: để ký tay
      place: null                                     # địa danh ở dòng ngày tháng; trống: tên tỉnh
      recipient: Ủy ban nhân dân {unit}               # Kính gửi
      copies: ["Lưu: VT"]                             # Nơi nhận, sau "Như trên"
"""
from __future__ import annotations

import string

from pydantic import BaseModel, ConfigDict, Field, field_validator

FIELDS = ("unit", "ward", "province")


class LetterSettings(BaseModel):
    """The letter's sender, signer, place and recipient (see the module's docstring)."""

    model_config = ConfigDict(extra="forbid")

    parent_body: str | None = Field(default="Ủy ban nhân dân tỉnh {province}",
                                    description="The body above the sender; empty: none")
    issuing_body: str = Field(default="Đoàn kiểm tra", min_length=1, description="Who sends and signs the letter")
    signer_title: str = Field(default="Trưởng đoàn", min_length=1)
    signer_name: str | None = None
    place: str | None = Field(default=None, description="The place before the date; empty: the province")
    recipient: str = Field(default="Ủy ban nhân dân {unit}", min_length=1)
    copies: list[str] = Field(default_factory=lambda: ["Lưu: VT"], description="Nơi nhận after 'Như trên'")

    @field_validator("parent_body", "issuing_body", "signer_title", "signer_name", "place", "recipient")
    @classmethod
    def _one_line(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = " ".join(str(v).split())
        unknown = [name for _, name, _, _ in string.Formatter().parse(v) if name and name not in FIELDS]
        if unknown:
            raise ValueError(f"unknown field {{{unknown[0]}}} (use {', '.join('{' + f + '}' for f in FIELDS)})")
        return v or None

    def filled(self, text: str | None, *, unit: str, ward: str, province: str | None) -> str:
        """``text`` with the ward's names filled in ("" for None; dots where the province is unknown)."""
        if not text:
            return ""
        return " ".join(text.format(unit=unit, ward=ward, province=province or "……").split())
