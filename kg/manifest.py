"""Which files to read and what is known of them: `sources/manifest.toml`, or defaults.

A manifest has one `[scheme]` table (the vocabulary's metadata) and one `[[source]]`
table per glossary file. Every key is checked: a typo is reported with its line and the
keys that are allowed, because a silently ignored `pubisher` is worse than an error.

Without a manifest any glossary file still builds: the scheme gets the documented defaults
below and each source is titled after its file name.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import datetime, timezone
from pathlib import Path

from kg.errors import InputError
from kg.model import Scheme, Source

MANIFEST_NAME = "manifest.toml"
# kg's own files kept beside the glossaries: never read as glossaries when a folder is built.
KG_FILES = frozenset({MANIFEST_NAME, "decisions.toml", "iris.lock"})
DEFAULT_BASE_IRI = "https://example.org/kg/{name}/"
DEFAULT_DATE = "1970-01-01T00:00:00Z"  # used only when neither manifest nor SOURCE_DATE_EPOCH dates a build

SCHEME_KEYS = {f.name for f in fields(Scheme)}
SOURCE_KEYS = {"file", "key", "title", "publisher", "url", "language", "format"}

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
_BASE_IRI = re.compile(r"https?://\S+[/#]$")  # concept IRIs are BASE + slug: it must end the path


def is_base_iri(iri: str) -> bool:
    """An http(s) IRI ending in / or #, so that BASE + slug is a concept IRI."""
    return bool(_BASE_IRI.match(iri))


def slugify(text: str, fallback: str = "item") -> str:
    """`[a-z][a-z0-9-]*`: safe in every RDF syntax and in iQvoc's local names."""
    slug = _SLUG_STRIP.sub("-", text.lower()).strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"{fallback}-{slug}" if slug else fallback
    return slug


@dataclass(frozen=True)
class Plan:
    """What a build reads: the scheme, and each source with the file it comes from."""

    scheme: Scheme
    sources: tuple[tuple[Source, Path], ...]
    manifest: Path | None = None


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _check_keys(table: dict, allowed: set[str], what: str, path: Path, text: str) -> None:
    for key in table:
        if key not in allowed:
            raise InputError(
                f"unknown key '{key}' in {what}", path=str(path), line=_line_of(text, key),
                hint=f"allowed keys: {', '.join(sorted(allowed))}")


def _build_dates() -> dict[str, str]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return {}
    try:
        stamp = datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    except ValueError:
        raise InputError(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds",
                         hint="unset it or give seconds since 1970") from None
    text = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"modified": text}


def default_scheme(name: str) -> Scheme:
    dates = {"created": DEFAULT_DATE, "modified": DEFAULT_DATE}
    dates.update(_build_dates())
    return Scheme(
        name=name,
        title=f"{name.replace('-', ' ').title()} vocabulary",
        description=f"A vocabulary built by kg from the glossary files of '{name}'.",
        base_iri=_default_base_iri(name),
        **dates,
    )


def _default_base_iri(name: str) -> str:
    """The name as it is where it makes an IRI; a slug of it where it cannot ("we ird")."""
    base = DEFAULT_BASE_IRI.format(name=name)
    return base if is_base_iri(base) else DEFAULT_BASE_IRI.format(name=slugify(name, "kg"))


def load_manifest(path: Path) -> Plan:
    """Read a manifest; every listed file must exist beside it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the manifest: {error}", path=str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise InputError(f"not valid TOML: {error}", path=str(path),
                         line=int(line.group(1)) if line else None) from None
    _check_keys(data, {"scheme", "source"}, "the manifest's top level", path, text)
    scheme_table = dict(data.get("scheme", {}))
    _check_keys(scheme_table, SCHEME_KEYS, "[scheme]", path, text)
    name = scheme_table.get("name") or slugify(path.parent.name, "glossary")
    scheme = replace(default_scheme(name), **{k: str(v) for k, v in scheme_table.items()})
    if not is_base_iri(scheme.base_iri):
        raise InputError(f"base_iri {scheme.base_iri!r} must be an http(s) IRI ending in / or #",
                         path=str(path), line=_line_of(text, "base_iri"))
    scheme = replace(scheme, **_build_dates())
    sources: list[tuple[Source, Path]] = []
    seen: set[str] = set()
    for table in data.get("source", []):
        _check_keys(table, SOURCE_KEYS, "[[source]]", path, text)
        if "file" not in table:
            raise InputError("a [[source]] table has no 'file' key", path=str(path),
                             hint="name the glossary file, relative to the manifest")
        file = path.parent / table["file"]
        if not file.is_file():
            raise InputError(f"source file '{table['file']}' does not exist", path=str(path),
                             line=_file_line(text, table["file"]),
                             hint="fix the name or remove the [[source]] table")
        # A key names IRIs (BASE/source/KEY): slugify what the manifest says, whatever it says.
        key = _unique(slugify(table.get("key") or Path(table["file"]).stem, "source"), seen)
        sources.append((Source(
            key=key, path=str(table["file"]), title=table.get("title") or Path(table["file"]).stem,
            publisher=table.get("publisher"), url=table.get("url"),
            language=table.get("language", scheme.language), format=table.get("format"),
        ), file))
    if not sources:
        raise InputError("the manifest lists no [[source]]", path=str(path),
                         hint="add a [[source]] table with file = \"...\" per glossary")
    return Plan(scheme=scheme, sources=tuple(sources), manifest=path)


def _file_line(text: str, file: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(r"\s*file\s*=", line) and file in line:
            return number
    return None


def _unique(key: str, seen: set[str]) -> str:
    candidate, n = key, 2
    while candidate in seen:
        candidate, n = f"{key}-{n}", n + 1
    seen.add(candidate)
    return candidate


def plan_for_paths(paths: list[Path], *, name: str | None = None) -> Plan:
    """Files and folders given on the command line. A folder with a manifest uses it."""
    if len(paths) == 1 and paths[0].is_dir() and (paths[0] / MANIFEST_NAME).is_file():
        plan = load_manifest(paths[0] / MANIFEST_NAME)
        return replace(plan, scheme=replace(plan.scheme, name=name)) if name else plan
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*")
                                if p.is_file() and not p.name.startswith(".")
                                and p.name not in KG_FILES))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or folder", path=str(path),
                             hint="check the path; give glossary files or folders")
    if not files:
        raise InputError("no glossary files found", path=", ".join(map(str, paths)),
                         hint="give at least one glossary file")
    scheme_name = name or slugify(paths[0].stem if len(paths) == 1 else "glossary", "glossary")
    seen: set[str] = set()
    sources = tuple(
        (Source(key=_unique(slugify(f.stem, "source"), seen), path=str(f), title=f.stem), f)
        for f in files)
    return Plan(scheme=default_scheme(scheme_name), sources=sources)
