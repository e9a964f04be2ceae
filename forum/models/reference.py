"""Countries and themes: reference data that admins edit and retire."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db


class _Named:
    """Mixin for rows that carry a name per UI language."""

    names: Mapped[dict]

    def name_in(self, locale: str) -> str:
        """Return the name in `locale`, falling back to English."""
        return self.names.get(locale) or self.names.get("en") or self.key


class Country(_Named, db.Model):
    """A country taking part (ISO 3166-1 alpha-2), or MED for Mediterranean-wide."""

    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    MEDITERRANEAN = "MED"

    @property
    def key(self) -> str:
        return self.code

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Theme(_Named, db.Model):
    """A theme of discussion, named by a slug in URLs and the API."""

    __tablename__ = "themes"

    slug: Mapped[str] = mapped_column(String(60), primary_key=True)
    names: Mapped[dict] = mapped_column(JSON, default=dict)
    descriptions: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def key(self) -> str:
        return self.slug

    def description_in(self, locale: str) -> str:
        """Return the description in `locale`, falling back to English."""
        return self.descriptions.get(locale) or self.descriptions.get("en") or ""

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"
