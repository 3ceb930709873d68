"""The ``ionflux`` command line: built from the command registry; no arguments opens the window."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from ionflux.core.commands import Command, CommandRegistry, parse_values
from ionflux.core.errors import IonfluxError

log = logging.getLogger(__name__)

EXIT_USER_ERROR = 1
EXIT_INTERNAL = 70


def version() -> str:
    from importlib import metadata  # only when asked: reading the installed metadata costs start-up time

    try:
        return metadata.version("ionflux")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class _VersionAction(argparse.Action):
    """``--version``, with the version looked up only when it is asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *_args: Any, **_kwargs: Any) -> None:
        parser.exit(0, f"ionflux {version()}\n")


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are one line ('ionflux page create: error: ...') and exit 2."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: error: {message}\n")


def _add_common(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    parser.add_argument("--data-dir", metavar="DIR", default=None if top else argparse.SUPPRESS,
                        help="data folder (default: $IONFLUX_DATA_DIR or the per-user data folder)")


def build_parser(registry: CommandRegistry) -> argparse.ArgumentParser:
    parser = _Parser(prog="ionflux", description="IONFLUX — the desktop command center for brands and creators. "
                     "Run without a command to open the window.")
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation end to end (store, demo, local model, memory, window) and exit")
    _add_common(parser, top=True)
    subs = parser.add_subparsers(dest="_group", metavar="COMMAND", parser_class=_Parser)
    groups: dict[str, argparse._SubParsersAction[Any]] = {}
    group_parsers: dict[str, argparse.ArgumentParser] = {}
    for cmd in registry:
        if not cmd.cli:
            continue
        if len(cmd.cli) == 1:
            target = subs.add_parser(cmd.cli[0], help=cmd.help, description=_desc(cmd))
        else:
            head = cmd.cli[0]
            if head not in groups:
                gp = subs.add_parser(head, help=f"{head} commands")
                _add_common(gp)
                group_parsers[head] = gp
                groups[head] = gp.add_subparsers(dest="_sub", metavar="ACTION", parser_class=_Parser, required=True)
            target = groups[head].add_parser(" ".join(cmd.cli[1:]), help=cmd.help, description=_desc(cmd))
        _add_common(target)
        _add_params(target, cmd)
        target.set_defaults(_command=cmd)
    return parser


def _desc(cmd: Command) -> str:
    return f"{cmd.help}\n\n{cmd.description}".strip()


def _add_params(parser: argparse.ArgumentParser, cmd: Command) -> None:
    for p in cmd.params:
        kwargs: dict[str, Any] = {"help": p.help or None}
        if p.positional:
            parser.add_argument(p.name, metavar=p.name.upper(), **kwargs)
        elif p.type is bool:
            parser.add_argument(p.flag, dest=p.name, action="store_true", **kwargs)
        elif p.repeated:
            parser.add_argument(p.flag, dest=p.name, action="append", metavar=p.name.upper(), **kwargs)
        else:
            required = p.required
            parser.add_argument(p.flag, dest=p.name, metavar=p.name.upper(), required=required,
                                default=None if required else p.default, **kwargs)
    if cmd.json_output:
        parser.add_argument("--json", dest="_json", action="store_true", help="print JSON instead of text")


def run_command(app: Any, cmd: Command, raw: dict[str, Any], *, as_json: bool = False) -> int:
    """Run one command with raw (string) arguments and print its output."""
    values = parse_values(cmd, raw)
    out = cmd.func(app, **values)
    if as_json:
        print(json.dumps(out.data, ensure_ascii=False, indent=2, default=str))
    elif out.text:
        print(out.text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ionflux`` console script."""
    if getattr(sys, "frozen", False):  # the bundled app's sync producer runs in a spawned child process
        import multiprocessing

        multiprocessing.freeze_support()
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list == ["--version"]:  # answer without loading anything heavy
        print(f"ionflux {version()}")
        return 0
    from ionflux.app.commands import load_all

    registry = load_all()
    parser = build_parser(registry)
    args = parser.parse_args(args_list)
    from ionflux.app.paths import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    cmd: Command | None = getattr(args, "_command", None)
    app = None
    try:
        from ionflux.app.context import App
        from ionflux.app.logs import setup_logging

        app = App(data_dir)
        if cmd is None and getattr(args, "_group", None) is None:
            if args.self_test:
                from ionflux.app.selftest import run_self_test

                return run_self_test()
            setup_logging(data_dir)
            from ionflux.app.gui import run_gui

            return run_gui(app)
        if cmd is None:
            parser.parse_args([args._group, "--help"])
            return 2
        setup_logging(data_dir, app.secrets.log_filter() if cmd.category == "secret" else None)
        raw = {p.name: getattr(args, p.name, None) for p in cmd.params}
        return run_command(app, cmd, raw, as_json=getattr(args, "_json", False))
    except IonfluxError as exc:
        print(f"ionflux: error: {exc.one_line()}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("ionflux: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: full details to the log, one line to the user
        log.exception("unexpected error")
        print(f"ionflux: internal error: {type(exc).__name__}: {exc} (details in {data_dir}/logs/ionflux.log)",
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if app is not None:
            app.close()


if __name__ == "__main__":
    sys.exit(main())
