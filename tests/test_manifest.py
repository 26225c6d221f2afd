"""The manifest: metadata, checked keys, defaults for files built without one."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.manifest import load_manifest, plan_for_paths, slugify


def test_unknown_key_names_the_key_and_its_line(tmp_path):
    (tmp_path / "g.txt").write_text("Term: a definition.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text('[scheme]\nname = "x"\n\n[[source]]\nfile = "g.txt"\npubisher = "Acme"\n',
                        encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_manifest(manifest)
    assert caught.value.line == 6 and "pubisher" in str(caught.value) and "publisher" in str(caught.value)


def test_a_folder_without_manifest_skips_kg_own_files(tmp_path):
    (tmp_path / "glossary.txt").write_text("Term: a definition.\n", encoding="utf-8")
    (tmp_path / "decisions.toml").write_text("# none\n", encoding="utf-8")
    (tmp_path / "iris.lock").write_text("", encoding="utf-8")
    plan = plan_for_paths([tmp_path])
    assert [source.path for source, _ in plan.sources] == [str(tmp_path / "glossary.txt")]


def test_defaults_without_manifest(tmp_path):
    path = tmp_path / "Cooking Terms.txt"
    path.write_text("Braise: to cook slowly in liquid.\n", encoding="utf-8")
    plan = plan_for_paths([path])
    assert plan.scheme.name == "cooking-terms"
    assert plan.scheme.base_iri == "https://example.org/kg/cooking-terms/"
    assert plan.sources[0][0].title == "Cooking Terms"


@pytest.mark.parametrize("text", ["Hello World", "3D printing", "", "élan / vital", "--"])
def test_slugs_are_safe_everywhere(text):
    slug = slugify(text)
    assert slug[0].isalpha() and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    assert slug == slug.lower()
