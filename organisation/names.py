"""How officials' names are shown: the Vietnamese order, family name first.

Django's `get_full_name()` puts the given name first ("Lan Nguyễn Thị"); a Vietnamese reader expects
"Nguyễn Thị Lan". `last_name` holds the family and middle names, `first_name` the given name.
"""

from __future__ import annotations

from typing import Any


def official_name(user: Any) -> str:
    """«Nguyễn Thị Lan»: family and middle names, then the given name; the username if no name is set."""
    if user is None:
        return ""
    name = " ".join(part.strip() for part in (user.last_name, user.first_name) if part and part.strip())
    return name or str(user.get_username())


def split_full_name(full_name: str) -> tuple[str, str]:
    """«Nguyễn Thị Lan» → («Nguyễn Thị», «Lan»): (last_name, first_name) as Django's user model stores them."""
    family, _, given = full_name.strip().rpartition(" ")
    return family, given
