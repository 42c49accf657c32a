import pytest

from newsclaims.ingest.sources.registry import SourcesFileError, load_sources


def write(tmp_path, text):
    p = tmp_path / "sources.toml"
    p.write_text(text)
    return p


def test_text_dir_relative_to_sources_file(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("hello world")
    sf = load_sources(write(tmp_path, '[[sources]]\nname = "x"\nkind = "text_dir"\npath = "raw"\n'))
    docs = list(sf.get("x").documents())
    assert [d.raw_path for d in docs] == ["raw/a.txt"]


@pytest.mark.parametrize(
    "block,field",
    [
        ('name = "x"\nkind = "nope"\npath = "raw"', "kind"),
        ('name = "x"\nkind = "text_dir"', "path"),
        ('name = "x"\nkind = "text_dir"\npath = "raw"\nglob = 3', "glob"),
        ('name = "x"\nkind = "text_dir"\npath = "raw"\ncolour = "red"', "colour"),
    ],
)
def test_invalid_config_names_file_source_and_field(tmp_path, block, field):
    with pytest.raises(SourcesFileError) as e:
        load_sources(write(tmp_path, "[[sources]]\n" + block + "\n"))
    msg = str(e.value)
    assert "sources.toml" in msg and "'x'" in msg and field in msg


def test_links_out_of_root_are_refused(tmp_path):
    (tmp_path / "raw").mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("top secret text")
    (tmp_path / "raw" / "link.txt").symlink_to(outside)
    sf = load_sources(write(tmp_path, '[[sources]]\nname = "x"\nkind = "text_dir"\npath = "raw"\n'))
    (doc,) = list(sf.get("x").documents())
    assert doc.error and "outside" in doc.error and doc.data == b""
