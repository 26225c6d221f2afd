"""The explorer: NAME.html. First version; the explorer issue deepens it."""

from __future__ import annotations

import html
import json

from kg.exporters import Exporter, register
from kg.model import KnowledgeGraph


def render(kg: KnowledgeGraph) -> dict[str, bytes]:
    data = json.dumps([{"id": c.key, "label": c.pref_label} for c in kg.concepts],
                      ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    page = (f"<!doctype html><meta charset=utf-8><title>{html.escape(kg.scheme.title)}</title>"
            f"<h1>{html.escape(kg.scheme.title)}</h1><script id=data type=application/json>{data}</script>")
    return {f"{kg.scheme.name}.html": page.encode("utf-8")}


register(Exporter("html", "the interactive explorer (NAME.html)", render))
