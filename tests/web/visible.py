"""What a person reads on a page: its visible text (no tags, attributes, scripts or styles)."""
from __future__ import annotations

import re

from lxml import html as lxml_html

# An identifier from the data or the code: a reference ("attachment:12", "upload:video-1"),
# snake_case, or a lower-case English word of 3+ letters standing alone in Chinese text
# ("measures", "ranking_published", "review_application").
IDENTIFIER = re.compile(r"(?<![A-Za-z0-9_@./:-])(?:[a-z]+:[a-z0-9][A-Za-z0-9_-]*"
                        r"|[a-z]+_[a-z0-9_]+|[a-z]{3,})(?![A-Za-z0-9_@./:-])")


def visible_text(page: str) -> str:
    doc = lxml_html.fromstring(page)
    for hidden in doc.xpath("//script|//style|//template|//head|//noscript"):
        hidden.drop_tree()
    return re.sub(r"\s+", " ", " ".join(doc.itertext()))


def identifiers(page: str, allowed: set[str] = frozenset()) -> set[str]:
    """The raw identifiers a person would read on the page (minus ``allowed``: logins, say)."""
    return set(IDENTIFIER.findall(visible_text(page))) - set(allowed)
