"""`corpus-editor install-desktop [--prefix DIR] [--dry-run] [--remove]`: put the editor in the
application menu.

Writes the desktop entry, the AppStream metainfo and the icons (the SVG and every PNG size) into the
user's data folder (`$XDG_DATA_HOME`, by default `~/.local/share`), the places desktops look:

    applications/APP_ID.desktop               (Exec points at this installation's launcher)
    metainfo/APP_ID.metainfo.xml
    icons/hicolor/scalable/apps/APP_ID.svg
    icons/hicolor/NxN/apps/APP_ID.png

`--remove` deletes exactly those files. Exit 0 on success, 1 when a file cannot be written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from editor.paths import APP_ID, ICON_SIZES, icon_path, resource

LAUNCHER = "corpus-editor"


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--prefix", metavar="DIR",
                        help="the data folder to install into (default: $XDG_DATA_HOME, else ~/.local/share)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be written, write nothing")
    parser.add_argument("--remove", action="store_true", help="remove the files an earlier install wrote")


@dataclass(frozen=True)
class Placement:
    target: Path
    source: Path | None  # None: the desktop entry, written with this installation's Exec line
    text: str | None = None


def data_home() -> Path:
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"  # the XDG rule


def launcher_command() -> list[str]:
    """How a desktop starts this installation: the frozen executable, the `corpus-editor` script of
    this environment, or this interpreter with `-m editor`."""
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    started = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if started is not None and started.name == LAUNCHER and started.is_file():
        return [str(started.absolute())]
    beside = Path(sys.executable).parent / LAUNCHER
    if beside.is_file():
        return [str(beside.absolute())]
    return [os.path.abspath(sys.executable), "-m", "editor"]


_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_argument(arg: str) -> str:
    """One argument of an Exec line, quoted as the Desktop Entry spec asks (then escaped as a string
    value: the spec's backslashes are doubled once more in the file)."""
    if arg and not _EXEC_RESERVED.intersection(arg):
        return arg.replace("%", "%%")
    quoted = "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%")
    return '"' + quoted.replace("\\", "\\\\") + '"'


def desktop_entry(command: list[str]) -> str:
    """The shipped desktop entry with Exec (and TryExec) pointing at `command`."""
    lines = []
    for line in resource("desktop", f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            rest = line.split(None, 1)[1] if " " in line else ""  # the field codes: %f
            line = "Exec=" + " ".join(exec_argument(a) for a in command) + (f" {rest}" if rest else "")
            lines.append(line)
            lines.append("TryExec=" + command[0].replace("\\", "\\\\"))
            continue
        if not line.startswith("TryExec="):
            lines.append(line)
    return "\n".join(lines) + "\n"


def placements(prefix: Path, command: list[str]) -> list[Placement]:
    icons = prefix / "icons" / "hicolor"
    result = [
        Placement(prefix / "applications" / f"{APP_ID}.desktop", None, desktop_entry(command)),
        Placement(prefix / "metainfo" / f"{APP_ID}.metainfo.xml", resource("desktop", f"{APP_ID}.metainfo.xml")),
        Placement(icons / "scalable" / "apps" / f"{APP_ID}.svg", icon_path()),
    ]
    result += [Placement(icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png", icon_path(size)) for size in ICON_SIZES]
    return result


def _refresh_caches(prefix: Path) -> None:
    """Update the folder's MIME handler cache where the tool exists (desktops see the entry without it,
    "Open with" may not). The icon cache is left alone: a user folder has none unless made by hand."""
    tool = shutil.which("update-desktop-database")
    if tool and (prefix / "applications").is_dir():
        subprocess.run([tool, "-q", str(prefix / "applications")], check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def run(args: argparse.Namespace) -> int:
    prefix = Path(args.prefix).expanduser().absolute() if args.prefix else data_home()
    items = placements(prefix, launcher_command())
    if args.remove:
        for item in items:
            if args.dry_run:
                print(f"would remove {item.target}")
            elif item.target.exists():
                item.target.unlink()
                print(f"removed {item.target}")
        if not args.dry_run:
            _refresh_caches(prefix)
        return 0
    for item in items:
        if args.dry_run:
            print(f"would write {item.target}")
            continue
        try:
            item.target.parent.mkdir(parents=True, exist_ok=True)
            if item.source is None:
                item.target.write_text(item.text or "", encoding="utf-8")
            else:
                shutil.copyfile(item.source, item.target)
        except OSError as exc:
            print(f"corpus-editor install-desktop: {item.target}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"wrote {item.target}")
    if args.dry_run:
        print("Exec=" + " ".join(exec_argument(a) for a in launcher_command()))
    else:
        _refresh_caches(prefix)
        print("Corpus Editor is in the application menu (log out and in if the menu does not show it yet).")
    return 0
