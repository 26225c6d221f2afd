"""The `kg` command: parse arguments, call the library, turn its errors into one line.

Commands live in kg/commands/, one module each, registered in COMMANDS; `kg --help` and
each command's `--help` are generated from the same modules.
"""

from __future__ import annotations

import argparse
import os
import sys
import pkgutil
from importlib import import_module

import kg.commands

from kg import __version__
from kg.errors import KgError

# Command name -> module in kg.commands. Each module defines HELP, add_arguments and run;
# a new module there is a new command (its name with "_" read as "-").
COMMANDS = {
    info.name.replace("_", "-"): f"kg.commands.{info.name}"
    for info in sorted(pkgutil.iter_modules(kg.commands.__path__), key=lambda i: i.name)
    if not info.name.startswith("_")
}


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors with exit code 2 through our own path."""

    def error(self, message: str):  # noqa: D401 - argparse's name
        raise KgError(f"{self.prog}: {message}", hint=f"see '{self.prog} --help'")


def make_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or, for arguments that start with a command's name, the
    parser of that command: only its module is imported, so `kg query` never loads the build
    pipeline and `kg build` never loads the server, the review queue or SPARQL."""
    parser = _Parser(prog="kg", description="Build one explorable, queryable SKOS vocabulary "
                     "from a pile of glossaries.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    chosen = argv[0] if argv and argv[0] in COMMANDS else None
    for name, module_name in COMMANDS.items():
        if chosen is not None and name != chosen:
            commands.add_parser(name)  # still a known name, should argparse list the commands
            continue
        module = import_module(module_name)
        sub = commands.add_parser(name, help=module.HELP, description=module.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = make_parser(argv)
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        return args.run(args)
    except KgError as error:
        print(f"kg: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("kg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


def run() -> None:
    """The `kg` program: `main`, then an exit that skips the interpreter freeing the heap
    object by object. A 100,000-term build ends holding a gigabyte of small objects, which that
    takes half a second to free for nothing; by then every file is closed and every worker
    stopped, so only the standard streams need flushing. Library callers use `main`."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away (`| head`), or a closed stream
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
