"""The command line: `corpus-editor COMMAND ...`, or `corpus-editor [PATH]` for the window.

Each command lives in its own module with `add_arguments(parser)` and `run(args) -> int`; a module is
imported only when its command runs, so `get` never pays for Qt or SQLite.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "get": ("editor.cli.document_commands", "print a front matter field"),
    "set": ("editor.cli.document_commands", "change one front matter field, touching nothing else"),
    "add": ("editor.cli.document_commands", "add an item to a list (a fact, a source, a known gap...)"),
    "remove": ("editor.cli.document_commands", "remove one list item or one key"),
    "bump": ("editor.cli.document_commands", "set date fields such as last_verified on many articles"),
    "validate": ("editor.cli.validate_command", "check articles against the schema and corpus rules"),
    "list": ("editor.cli.list_command", "list the corpus from its index: filter, search, sort"),
    "check-links": ("editor.cli.check_links_command", "check that every cited URL, DOI and arXiv id is still there"),
    "install-desktop": ("editor.cli.desktop_command", "put the editor in the application menu (~/.local/share)"),
    "new": ("editor.cli.new_command", "start a new article in the corpus's style and print its path"),
}


def escape_unencodable_output() -> None:
    """Print what the terminal's encoding cannot show as backslash escapes instead of failing on it."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def build_parser(command: str) -> argparse.ArgumentParser:
    module_name, help_text = COMMANDS[command]
    module = importlib.import_module(module_name)
    parser = argparse.ArgumentParser(prog=f"corpus-editor {command}", description=help_text)
    module.add_arguments(command, parser)
    parser.set_defaults(_run=module.run, _command=command)
    return parser


def values_as_positionals(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Let a value start with '-' without `--` (`set F title ---`, `set F completeness -0.5`).

    Arguments that are the parser's own options (with their values) stay options; everything else is
    positional. When that does not give exactly the positionals the command takes (an unknown option
    among them, say), the arguments are left for argparse to explain."""
    options = parser._option_string_actions  # argparse has no public view of its options
    wanted = sum(1 for action in parser._get_positional_actions() if action.nargs is None)
    kept: list[str] = []
    positionals: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            positionals.extend(argv[i + 1 :])
            break
        action = options.get(arg.split("=", 1)[0]) if arg.startswith("-") else None
        if action is None:
            positionals.append(arg)
        else:
            kept.append(arg)
            if "=" not in arg and action.nargs != 0 and i + 1 < len(argv):
                kept.append(argv[i + 1])
                i += 1
        i += 1
    if len(positionals) != wanted or any(a in ("-h", "--help") for a in kept):
        return argv
    return [*kept, "--", *positionals]


def _usage() -> str:
    lines = ["usage: corpus-editor [PATH] [--screenshot FILE.png]", "       corpus-editor COMMAND ...",
             "       corpus-editor --version", "", "commands:"]
    lines += [f"  {name:<16} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    lines.append("\nRun `corpus-editor COMMAND --help` for a command's options.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in ("-h", "--help"):
        print(_usage())
        return 0
    if argv and argv[0] == "--version":
        from editor import installed_version

        print(f"corpus-editor {installed_version()}")
        return 0
    if argv and argv[0] in COMMANDS:
        parser = build_parser(argv[0])
        rest = argv[1:]
        if argv[0] in getattr(importlib.import_module(COMMANDS[argv[0]][0]), "VALUE_COMMANDS", ()):
            rest = values_as_positionals(parser, rest)
        args = parser.parse_args(rest)
        try:
            return int(args._run(args) or 0)
        except BrokenPipeError:
            return 0
        except KeyboardInterrupt:
            return 130
    from editor.cli.gui_command import run_gui

    return run_gui(argv)
