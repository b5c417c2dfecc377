"""What an installation carries: the resources as package data, a wheel that ships them, the desktop
files, the icons, and `install-desktop` putting them where desktops look."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from importlib.resources import files
from pathlib import Path

import pytest

import editor
from editor.cli.desktop_command import exec_argument
from editor.paths import APP_ID, ICON_SIZES, icon_path, resource

REPO = Path(__file__).resolve().parents[1]
RESOURCES = REPO / "editor" / "resources"


def shipped_files() -> list[str]:
    """Every file under editor/resources, relative to the package."""
    return sorted(str(p.relative_to(REPO / "editor")) for p in RESOURCES.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "editor", *args], capture_output=True, text=True, timeout=60,
                          env=env, cwd=cwd)


def test_every_resource_is_found_through_importlib_resources():
    base = files("editor").joinpath("resources")
    for name in ("schema.yaml", "corpus-schema.example.yaml", "sample-corpus",
                 f"desktop/{APP_ID}.desktop", f"desktop/{APP_ID}.metainfo.xml"):
        assert resource(*name.split("/")) == Path(str(base.joinpath(*name.split("/"))))
        assert resource(*name.split("/")).exists(), name
    assert (resource("sample-corpus") / "ai" / "backpropagation.md").is_file()
    assert icon_path().read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert [icon_path(size).is_file() for size in ICON_SIZES] == [True] * len(ICON_SIZES)


def test_the_wheel_ships_every_resource_and_the_command(tmp_path):
    source = tmp_path / "source"  # a clean copy: no build/ left over from an earlier build
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(REPO / "editor", source / "editor", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path / "dist"),
                             str(source)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    (wheel,) = (tmp_path / "dist").glob("corpus_editor-*.whl")
    assert wheel.name.startswith(f"corpus_editor-{editor.__version__}-py3-none-any")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta_dir = f"corpus_editor-{editor.__version__}.dist-info"
        entry_points = archive.read(f"{meta_dir}/entry_points.txt").decode()
        metadata = archive.read(f"{meta_dir}/METADATA").decode()
    missing = [name for name in shipped_files() if f"editor/{name}" not in names]
    assert not missing
    assert "editor/cli/desktop_command.py" in names
    assert not [n for n in names if n.startswith(("tests/", "resources/", "packaging/"))]
    assert "corpus-editor = editor.cli:main" in entry_points
    assert f"Version: {editor.__version__}" in metadata and "License-Expression: MIT" in metadata


def test_version_comes_from_the_package_metadata():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.strip() == f"corpus-editor {editor.installed_version()}"
    assert editor.installed_version() == editor.__version__


def test_icons_are_rendered_at_every_size_from_the_svg():
    from PySide6.QtGui import QImage

    for size in ICON_SIZES:
        image = QImage(str(icon_path(size)))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
        middle = image.pixelColor(size // 2, size // 2)
        assert middle.alpha() == 255  # the page is opaque, the corners around it are not
        assert image.pixelColor(0, size - 1).alpha() == 0


def _desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_and_metainfo_agree_with_the_program():
    entry = _desktop_entry(resource("desktop", f"{APP_ID}.desktop"))
    assert entry["Icon"] == APP_ID and entry["Exec"].split()[0] == "corpus-editor"
    main_categories = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
                       "Office", "Science", "Settings", "System", "Utility"}
    assert len([c for c in entry["Categories"].split(";") if c in main_categories]) == 1
    root = ET.parse(resource("desktop", f"{APP_ID}.metainfo.xml")).getroot()
    assert root.findtext("id") == APP_ID
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    releases = root.findall("releases/release")
    assert releases and releases[0].get("version") == editor.__version__
    assert releases[0].find("description/ul/li") is not None
    image = root.find("screenshots/screenshot/image")
    readme_picture = "docs/screenshot.png"
    assert image.text.endswith("/" + readme_picture) and f"]({readme_picture})" in (REPO / "README.md").read_text()
    from PySide6.QtGui import QImage

    picture = QImage(str(REPO / readme_picture))
    assert (picture.width(), picture.height()) == (int(image.get("width")), int(image.get("height")))


@pytest.mark.parametrize("tool, args", [("desktop-file-validate", []),
                                        ("appstreamcli", ["validate", "--pedantic", "--no-net", "--strict"])])
def test_the_desktop_files_pass_their_validators(tool, args):
    found = shutil.which(tool)
    if found is None:
        pytest.skip(f"{tool} is not installed (.ci/run installs it where it can)")
    name = f"{APP_ID}.desktop" if tool == "desktop-file-validate" else f"{APP_ID}.metainfo.xml"
    result = subprocess.run([found, *args, str(resource("desktop", name))], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    if tool == "desktop-file-validate":
        assert result.stdout == ""  # not even a hint


def test_install_desktop_puts_entry_metainfo_and_icons_into_the_data_folder(tmp_path):
    data = tmp_path / "data"
    env = dict(os.environ, XDG_DATA_HOME=str(data), HOME=str(tmp_path))
    dry = run_cli("install-desktop", "--dry-run", env=env)
    assert dry.returncode == 0 and dry.stderr == ""
    assert f"would write {data / 'applications' / f'{APP_ID}.desktop'}" in dry.stdout
    assert not data.exists()  # a dry run writes nothing

    result = run_cli("install-desktop", env=env)
    assert result.returncode == 0, result.stderr
    desktop = data / "applications" / f"{APP_ID}.desktop"
    entry = _desktop_entry(desktop)
    launcher = entry["TryExec"]
    assert os.path.isabs(launcher) and os.access(launcher, os.X_OK)
    assert entry["Exec"].endswith(" %f") and entry["Icon"] == APP_ID
    assert (data / "metainfo" / f"{APP_ID}.metainfo.xml").read_bytes() == \
        resource("desktop", f"{APP_ID}.metainfo.xml").read_bytes()
    hicolor = data / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").read_bytes() == icon_path().read_bytes()
    for size in ICON_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").read_bytes() == icon_path(size).read_bytes()
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout == "", check.stdout

    removed = run_cli("install-desktop", "--remove", env=env)
    assert removed.returncode == 0 and removed.stderr == ""
    assert not desktop.exists() and not list(hicolor.rglob(f"{APP_ID}.*"))


def test_install_desktop_with_a_prefix_leaves_the_data_folder_alone(tmp_path):
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "data"), HOME=str(tmp_path))
    result = run_cli("install-desktop", "--prefix", str(tmp_path / "prefix" / "share"), env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "prefix" / "share" / "applications" / f"{APP_ID}.desktop").is_file()
    assert not (tmp_path / "data").exists()


def test_exec_arguments_are_quoted_as_the_desktop_entry_spec_asks():
    assert exec_argument("/usr/bin/corpus-editor") == "/usr/bin/corpus-editor"
    assert exec_argument("/opt/My Apps/corpus-editor") == '"/opt/My Apps/corpus-editor"'
    assert exec_argument("/home/a$b/100%/x") == '"/home/a\\\\$b/100%%/x"'
