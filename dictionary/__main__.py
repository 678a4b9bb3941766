"""Command line: ``python -m dictionary build`` and ``python -m dictionary define WORD...``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from dictionary.config import DB_VARIABLE, DictionaryMissing, db_path, wordnet_dir

EXIT_FOUND = 0
EXIT_NOT_FOUND = 1
EXIT_SETUP = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        return _define(args)
    except DictionaryMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_SETUP
    except BrokenPipeError:
        # `define ... | head` closed the pipe: not an error worth a traceback.
        sys.stderr.close()
        return EXIT_FOUND


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dictionary", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the dictionary file (skipped when current)")
    build.add_argument(
        "--out", help=f"file to write (default: ${DB_VARIABLE}, else var/dictionary.sqlite)"
    )
    build.add_argument("--wordnet", help="folder with WordNet's data.* and index.* files")
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    build.add_argument("--quiet", action="store_true", help="print nothing but errors")
    define = commands.add_parser("define", help="look up a word or phrase")
    define.add_argument("words", nargs="+", metavar="WORD", help="one word, or a phrase")
    define.add_argument("--json", action="store_true", help="print the API's JSON instead")
    define.add_argument("--db", help="dictionary file (default as for build --out)")
    return parser


def _build(args: argparse.Namespace) -> int:
    from dictionary.build import STAGES, build
    from dictionary.progress import Progress

    build(
        db_path(args.out),
        wordnet_dir(args.wordnet),
        force=args.force,
        progress=Progress(STAGES, quiet=args.quiet),
    )
    return 0


def _define(args: argparse.Namespace) -> int:
    from dictionary import Dictionary, Entry, format_for_chat, to_json

    with Dictionary.open(args.db) as words:
        result = words.lookup(" ".join(args.words))
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False, indent=2))
    else:
        print(format_for_chat(result))
    return EXIT_FOUND if isinstance(result, Entry) else EXIT_NOT_FOUND


if __name__ == "__main__":
    sys.exit(main())
