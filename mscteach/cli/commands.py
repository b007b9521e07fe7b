"""What each ``mscteach`` command does: it reads its arguments, calls the package and prints one line per result."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import MscteachError, UnknownNameError, UsageError
from .grammar import chosen_languages

__all__ = ["COMMANDS", "data_folder", "voila_command"]


def _tables(args: argparse.Namespace) -> int:
    from ..data import describe, list_tables

    for name in list_tables(args.data):
        info = describe(name, args.data)
        print(f"{name:<20} {info.n_rows:>4} rows  {info.title}")
    return 0


def data_folder(value: str | None) -> Path | None:
    """The data folder from --data or $MSCTEACH_DATA_DIR, as an absolute path resolved once, here.

    A relative folder means the folder the user ran the command from; it is
    resolved before anything changes directory (a chapter's kernel runs in
    the notebooks' folder), and checked so a typo is reported at once.
    """
    import os

    from ..data import ENV_VAR, data_dir

    value = value or os.environ.get(ENV_VAR) or None
    if value is None:
        return None
    folder = data_dir(Path(value).expanduser().resolve())
    os.environ[ENV_VAR] = str(folder)  # whatever this process or its kernels load reads the same folder
    return folder


def _describe(args: argparse.Namespace) -> int:
    from ..data import describe

    print(describe(args.name, args.data))
    return 0


def _cite(args: argparse.Namespace) -> int:
    from ..data import cite

    for ref in args.ref_ids:
        print(cite(ref, args.data))
    return 0


def _validate(args: argparse.Namespace) -> int:
    from ..data import data_dir, validate

    if args.folder:
        print("mscteach: `mscteach validate DIR` is deprecated; use `mscteach validate --data DIR`", file=sys.stderr)
    folder = data_dir(args.folder or args.data)
    problems = validate(folder)
    if problems:
        print(f"{folder}: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 1
    print(f"{folder}: all tables valid")
    from ..data.provenance import provenance_of

    print(f"{folder}: {provenance_of(folder).summary()}")  # the same words as the site's footer and the briefs'
    return 0


def _build(args: argparse.Namespace) -> int:
    from .. import site
    from ..site import build

    folder = Path(args.notebooks) if args.notebooks else None
    if folder is not None and not folder.is_dir():
        raise MscteachError(f"notebook folder {str(folder)!r} does not exist")
    if args.in_place:
        if folder is None:
            from ..resources import writable_folder

            folder = writable_folder("notebooks", "store executed notebooks in place")
        failures = build.refresh_in_place(folder, jobs=args.jobs, progress=not args.no_progress, data=args.data)
        for failure in failures:
            print(f"mscteach build: {failure}", file=sys.stderr)
        return 1 if failures else 0
    parameters = {name: build.parse_value(value) for name, value in args.parameter}
    langs = chosen_languages(args.lang, ["en"])
    result = build.build(Path(args.out), jobs=args.jobs, parameters=parameters, folder=folder,
                         progress=not args.no_progress, data=args.data, langs=langs)
    for failure in result.failures:
        print(f"mscteach build: {failure}", file=sys.stderr)
    for lang, pages in result.untranslated.items():
        listing = build.cache_folder(Path(args.out)) / f"untranslated-{lang}.txt"
        blocks = sum(len(b) for b in pages.values())
        listing.write_text("".join(f"## {page}\n\n" + "".join(f"{b}\n\n" for b in found)
                                   for page, found in pages.items()), encoding="utf-8")
        if not blocks:
            print(f"{lang} edition: every narrative block translated")
            continue
        print(f"{lang} edition: {blocks} narrative {'block' if blocks == 1 else 'blocks'} shown in English for want "
              f"of a translation ({', '.join(f'{p} {len(b)}' for p, b in pages.items())}); listed in {listing}")
    for lang, tables in result.untranslated_data.items():
        cells = sum(len(c) for c in tables.values())
        if cells:  # rows a teacher added without their Persian text
            listing = build.cache_folder(Path(args.out)) / f"untranslated-{lang}.txt"
            with listing.open("a", encoding="utf-8") as f:
                f.write("".join(f"## data: {table}\n\n" + "".join(f"{c}\n" for c in found) + "\n"
                                for table, found in tables.items()))
            print(f"{lang} edition: {cells} data {'cell' if cells == 1 else 'cells'} shown in English for want of a "
                  f"translation ({', '.join(f'{t} {len(c)}' for t, c in tables.items())}); listed in {listing}")
    built = len(result.pages) - len(result.failures)
    each = "" if result.editions == 1 else f" in each of {result.editions} editions"
    runs = "" if result.editions == 1 else f", {result.runs} runs in all"
    work = (f"executed {len(result.executed)}{runs}" if result.executed else "nothing to execute") + \
        ("" if result.rendered else ", site up to date")
    print(f"built {built} of {len(result.pages)} notebooks{each} ({work}); open {result.index.as_uri()}")
    if args.pdf and result.ok:
        pack = site.render_pack(build.cache_folder(Path(args.out)), Path(args.out).resolve() / "course-pack.pdf",
                                args.paper)
        print(f"printed the course pack: {pack}")
    return 0 if result.ok else 1


def _report(args: argparse.Namespace) -> int:
    from .. import report

    repeated = {"disease": args.disease, "cell_type": args.cell_type, "cell_origin": args.cell_origin,
                "design": args.design, "year_from": args.year_from, "year_to": args.year_to,
                "lang": chosen_languages(args.lang, [])}
    repeated = {k: v for k, v in repeated.items() if v}
    fixed = {k: v for k, v in (("title", args.title), ("author", args.author)) if v is not None}
    if args.no_preclinical:
        fixed["include_preclinical"] = False
    try:
        if args.grid:  # each --lang gives every row that does not choose its own language a brief in it
            grid = [{**fixed, **row, **({"lang": lang} if lang else {})}
                    for row in report.read_grid(Path(args.grid))
                    for lang in ([row["lang"]] if "lang" in row else repeated.get("lang") or [None])]
        else:
            grid = [{**fixed, **combo} for combo in report.expand_grid(repeated)]
        for params in grid:
            report.check_parameters(params, args.data)
        single = len(grid) == 1 and not args.grid
        out = Path(args.out) if args.out else Path("briefs") / f"{report.report_name(grid[0])}.html"
        formats = report.check_formats(args.format.split(","), args.paper)
        if single:
            report.check_output(out)
    except UsageError as exc:
        print(f"mscteach report: error: {exc}", file=sys.stderr)
        return 2
    if single:
        report.write_brief(grid[0], out, data=args.data, formats=formats, paper=args.paper)
        written = [out.with_suffix(f".{f}") for f in formats]
        print(f"wrote {', '.join(map(str, written[:-1]))}{' and ' if len(written) > 1 else ''}{written[-1]}")
        return 0
    out_dir = Path(args.out or "briefs")
    result = report.write_batch(grid, out_dir, jobs=args.jobs, progress=not args.no_progress, data=args.data,
                                formats=formats, paper=args.paper)
    for path, error in result.failed:
        print(f"mscteach report: {path}: {error}", file=sys.stderr)
    print(f"written {len(result.written)}, failed {len(result.failed)}, in {out_dir}")
    return 1 if result.failed else 0


def _registry(args: argparse.Namespace) -> int:
    from .. import registry

    if args.action == "import":
        from ..data import data_dir

        folder = data_dir(args.data)
        result = registry.import_exports(args.files, folder, today=args.date)
        for line in result.lines():
            print(line)
        print(f"next: mscteach validate --data {folder}, then rebuild (MSCTEACH_DATA_DIR={folder} mscteach build)")
        return 0
    changes = registry.diff([args.old], [args.new], args.data)
    for line in registry.change_lines(changes):
        print(line)
    return 0


def _translations(args: argparse.Namespace) -> int:
    from ..data import untranslated_cells
    from ..i18n import SOURCE, LANGUAGES, pages
    from ..report import template_path
    from ..resources import notebooks

    sources = [*notebooks(), template_path()]
    if args.action == "update":
        from ..resources import checkout

        if checkout() is None:  # the one test of "installed, read-only" the package uses
            raise MscteachError("the catalogues of an installed package are read-only: update them in a checkout "
                                "of the course repository")
    for lang in chosen_languages(args.lang, [lang for lang in LANGUAGES if lang != SOURCE]):
        counts = (pages.update if args.action == "update" else pages.status)(sources, lang)
        total = sum(c["blocks"] for c in counts.values())
        done = sum(c["translated"] for c in counts.values())
        for page, c in counts.items():
            print(f"{page:<22} {c['translated']:>4} of {c['blocks']:>4} blocks translated")
        print(f"{lang}: {done} of {total} narrative blocks translated")
        cells = untranslated_cells(lang, args.data)
        count = sum(len(c) for c in cells.values())
        print(f"{lang}: {count} data {'cell' if count == 1 else 'cells'} without a translation"
              + (f" ({', '.join(f'{t} {len(c)}' for t, c in cells.items())})" if cells else ""))
        if args.action == "status" and args.missing:
            for page, blocks in pages.missing(sources, lang).items():
                for block in blocks:
                    print(f"\n[{page}]\n{block}")
            for table, found in cells.items():
                print(f"\n[data: {table}]\n" + "\n".join(found))
    return 0


def _exercises(args: argparse.Namespace) -> int:
    from ..classroom import exercises

    if args.action == "generate":
        from ..resources import writable_folder

        for name in exercises.generate(writable_folder("exercises", "generate the exercises")):
            print(f"generated exercises/student/{name} and exercises/autograder/{name}")
        return 0
    if args.action == "check":
        stale = exercises.out_of_date()
        for item in stale:
            print(f"out of date: {item}", file=sys.stderr)
        if stale:
            print("run 'mscteach exercises generate' and commit the result", file=sys.stderr)
            return 1
        print("generated exercises are up to date")
        return 0
    if args.action == "report":
        from ..classroom import item_analysis

        written = item_analysis.write_report(Path(args.gradebook), Path(args.out))
        for path in written:
            print(path)
        return 0
    from ..classroom import grading

    roster = grading.read_roster(Path(args.roster)) if args.roster else None
    book = grading.grade(args.set, [Path(s) for s in args.submissions], jobs=args.jobs, timeout=args.timeout,
                         memory_mb=args.memory, roster=roster, sandbox=False if args.no_sandbox else None,
                         allow_unsandboxed=args.allow_unsandboxed, progress=not args.no_progress)
    for line in grading.summary_lines(book):
        print(line)
    if args.out:
        grading.export(book, Path(args.out), args.layout)
    print(f"isolation: {book.grades[0].isolation}" if book.grades else "no submissions", file=sys.stderr)
    for g in book.grades:
        if roster is not None and Path(g.file).name not in roster:
            print(f"not on the roster: {g.file} (graded as {g.student_id})", file=sys.stderr)
    for sid, files in book.duplicates().items():
        print(f"duplicate student id {sid} in {len(files)} files: {', '.join(files)}", file=sys.stderr)
    for g in book.not_graded:
        print(f"not graded: {g.file}: {g.status}: {g.message}", file=sys.stderr)
    if book.not_graded:
        print(f"{len(book.not_graded)} of {len(book.grades)} submissions could not be graded", file=sys.stderr)
        return 1
    return 0


def _links(args: argparse.Namespace) -> int:
    from ..site.links import chapter_links

    # tab-separated columns (chapter, JupyterLab link, Voilà link): a spreadsheet or `cut -f` takes them apart
    for chapter, lab, voila in chapter_links(args.hub, args.repo, args.branch):
        print(f"{chapter}\t{lab}\t{voila}")
    return 0


def _lab(args: argparse.Namespace) -> int:

    from ..resources import workspace, writable_folder

    # students save their work: the workspace they are in, or a checkout (never the installed package)
    home = workspace() or writable_folder("notebooks", "open JupyterLab on the course").parent
    command = [sys.executable, "-m", "jupyter", "lab", f"--notebook-dir={home}"]  # kernels inherit --data
    if args.port:
        command.append(f"--port={args.port}")
    return serve(command, "JupyterLab")


def serve(command: list[str], what: str, grace: float = 30.0) -> int:
    """Run a server in the foreground until it stops; Ctrl-C lets it shut its kernels down before it is ended.

    ``subprocess.call`` would kill the server at once on Ctrl-C (the terminal
    sends it to both processes), leaving its kernels' connection files behind
    and its kernels to find out by themselves. Here the server is asked to stop
    (SIGTERM), given ``grace`` seconds to shut its kernels down, then killed.

    Parameters
    ----------
    command : list of str
        The server's command line.
    what : str
        The server's name, for the message on stopping.
    grace : float, default 30
        Seconds the server has to stop.

    Returns
    -------
    int
        The server's exit status; 130 when stopped with Ctrl-C.
    """
    import signal
    import subprocess

    process = subprocess.Popen(command)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"mscteach: {what} stopped; its kernels were shut down", file=sys.stderr, flush=True)
        return 130


def voila_command(chapter: str | None, port: int, ip: str, pool: int, browser: bool, max_kernels: int | None = None,
                  cull_idle: float = 30) -> list[str]:
    """The command `mscteach voila` runs: Voilà for a class (:mod:`mscteach.classroom.voila_server`), code hidden.

    ``pool`` kernels per notebook served (the one chapter, or every notebook of
    the folder) are kept with the chapter already run, no more in all than
    ``max_kernels`` (a :class:`~mscteach.errors.UsageError` otherwise); at most
    ``max_kernels`` serve pages at once (None: as many
    as 80% of the memory free now holds, at
    :data:`~mscteach.classroom.voila_server.KERNEL_MB` each; 0: no cap); kernels
    idle ``cull_idle`` minutes are shut down (0: never).
    """
    try:
        from ..classroom import voila_server
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] != "voila":
            raise
        raise MscteachError("mscteach voila needs Voilà, which is not installed here: pip install "
                            "'mscteach[classroom]' (or pip install voila)") from None
    from ..resources import notebook_dir, notebooks

    folder = notebook_dir()
    names = [p.stem for p in notebooks(folder)]
    if chapter is not None and chapter not in names:
        raise UnknownNameError("chapter", chapter, names)
    if pool < 0:
        raise UsageError(f"--pool must be 0 or more, got {pool}")
    # Voilà fills a pool for every notebook it serves (all those under the folder, or the one chapter)
    pooled = pool * (1 if chapter else sum(1 for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts))
    if max_kernels is None:
        max_kernels = voila_server.default_max_kernels()
    if max_kernels and pooled > max_kernels:
        # the pool is per notebook: a teacher who sized --pool for one chapter would hold it for every chapter
        memory = f"about {pooled * voila_server.KERNEL_MB / 1000:.1f} GB"
        if chapter:
            raise UsageError(f"--pool {pool} keeps {pool} kernels ready ({memory}), more than --max-kernels "
                             f"{max_kernels}: lower --pool, or raise --max-kernels if the memory holds them")
        raise UsageError(f"--pool {pool} keeps {pool} kernels ready for each of the {pooled // pool} notebooks "
                         f"served ({pooled} in all, {memory}), more than --max-kernels {max_kernels}: name the "
                         f"chapter the class opens (for example mscteach voila 06_clinical_trials --pool {pool}), "
                         f"or lower --pool")
    command = [sys.executable, "-m", "mscteach.classroom.voila_server",
               str(folder / f"{chapter}.ipynb") if chapter else str(folder),
               f"--port={port}", f"--Voila.ip={ip}", "--VoilaConfiguration.strip_sources=True",
               f"--VoilaConfiguration.template={voila_server.TEMPLATE}",
               "--VoilaConfiguration.multi_kernel_manager_class=mscteach.classroom.voila_server.ClassroomKernelManager",
               "--VoilaExporter.preprocessors=mscteach.classroom.voila_server.VoilaNotes",
               # the widgets are all a chapter needs: other JupyterLab extensions installed beside (jupytext,
               # ipylab) fail to start outside JupyterLab, with errors in every student's console
               *(f"--VoilaConfiguration.extension_allowlist={name}" for name in
                 ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8")),
               f"--ClassroomKernelManager.max_kernels={max_kernels}", f"--ClassroomKernelManager.pool_kernels={pooled}",
               f"--MappingKernelManager.cull_idle_timeout={round(cull_idle * 60)}",
               "--MappingKernelManager.cull_interval=60", "--MappingKernelManager.cull_connected=True"]
    if pool:  # Voilà runs each chapter ahead in a pool of kernels and hands a reader a finished one
        command += ["--VoilaConfiguration.preheat_kernel=True", f"--VoilaConfiguration.default_pool_size={pool}"]
    if not browser:
        command.append("--no-browser")
    return command


def _voila(args: argparse.Namespace) -> int:

    command = voila_command(args.chapter, args.port, args.ip, args.pool, not args.no_browser, args.max_kernels,
                            args.cull_idle)
    from ..i18n import say

    cap = int(next(a for a in command if a.startswith("--ClassroomKernelManager.max_kernels=")).split("=")[1])
    print("mscteach voila: " + (say("up to {cap} students at once, each with a kernel; {pool} kept ready per chapter "
                                    "count within them (--max-kernels changes it).", cap=cap, pool=args.pool) if cap else
                                say("no cap on the students served at once.")), flush=True)
    return serve(command, "the Voilà server")


def _init(args: argparse.Namespace) -> int:
    from ..resources import init

    written = init(Path(args.folder), instructor=args.instructor)
    target = written[0].parent
    print(f"made {'an instructor' if args.instructor else 'a student'} workspace in {target}: "
          f"{', '.join(p.relative_to(target).as_posix() for p in written)}")
    import shlex

    print(f"next: cd {shlex.quote(str(target))} && mscteach lab")  # a line to paste into a shell, spaces and all
    return 0


COMMANDS = {"translations": _translations, "registry": _registry, "init": _init, "voila": _voila, "tables": _tables, "describe": _describe, "cite": _cite, "validate": _validate,
            "build": _build, "report": _report, "exercises": _exercises, "links": _links, "lab": _lab}
