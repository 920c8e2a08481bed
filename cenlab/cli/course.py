"""``cenlab course ...``: the instructor's commands on an nbgrader course folder."""

from __future__ import annotations

from cenlab.cli.errors import UsageError


def add(sub) -> None:
    from cenlab.course.personal import add_trainees_option

    p = sub.add_parser("course", help="instructor tools for an nbgrader course folder")
    act = p.add_subparsers(dest="action", required=True)

    def action(name, help, assignment=True):
        a = act.add_parser(name, help=help)
        a.add_argument("course", help="course folder (holds nbgrader_config.py)")
        if assignment:
            a.add_argument("assignment", help="assignment name, as in source/<assignment>")
        return a

    action("build", "make the student version of every assignment", assignment=False)
    a = action("check", "check every assignment end to end (for course authors)", False)
    a.add_argument("--jobs", type=int, default=1, help="assignments checked at a time")
    a.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    a.add_argument(
        "--mutants",
        action="store_true",
        help="instead: run wrong variants of each answer through its tests, list the survivors",
    )
    a.add_argument("--min-score", type=float, default=0.95, help="with --mutants: share caught")
    add_trainees_option(
        a, help="instead: run the model answers and wrong submissions on N trainees' own data"
    )
    a = action("grade", "autograde every submission, sandboxed, in parallel")
    a.add_argument("--jobs", type=int, default=1, help="trainees graded at a time")
    a.add_argument("--student", action="append", help="grade only this trainee (repeatable)")
    a.add_argument("--no-progress", action="store_true", help="no progress bar")
    a = action("feedback", "write each graded trainee's feedback (HTML)")
    a.add_argument("--student", action="append", help="only this trainee (repeatable)")
    a = action("export", "grades as CSV in nbgrader's export columns", assignment=False)
    a.add_argument("--to", help="CSV file (default: <course>/grades.csv)")
    a.add_argument("--assignment", action="append", help="only this assignment (repeatable)")
    a = action("report", "item analysis of the cohort: table and chart")
    a.add_argument("--png", help="chart file (default: <course>/reports/<assignment>-items.png)")
    a = action("trainee", "one trainee's own data, and the model answers run on them")
    a.add_argument("--student", required=True, help="the trainee's id (their hub user name)")
    a.add_argument(
        "--out", help="folder (default: <course>/reports/trainees/<student>/<assignment>)"
    )
    a = action("simulate", "file simulated submissions into submitted/ (tests, demos)")
    a.add_argument("--students", type=int, default=30)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--hostile", type=float, default=0.3, help="share of hostile submissions")
    p.set_defaults(run=run)


def run(args) -> int:
    from cenlab import course

    if args.action == "build":
        for name in course.build(args.course):
            print(f"built release/{name}")
        return 0
    if args.action == "check":
        return _course_check(args)
    if args.action == "grade":
        from cenlab.course import grading

        run = grading.grade(
            args.course,
            args.assignment,
            jobs=args.jobs,
            students=args.student,
            progress=not args.no_progress,
        )
        print(run.table())
        print(f"{run.sandbox}; statuses in {run.status_file}")
        return 0
    if args.action == "feedback":
        for path in course.feedback(args.course, args.assignment, args.student):
            print(f"wrote {path}")
        return 0
    if args.action == "export":
        print(f"wrote {course.export(args.course, args.to, assignments=args.assignment or ())}")
        return 0
    if args.action == "report":
        from cenlab.course import itemanalysis

        result, png = itemanalysis.report(args.course, args.assignment, args.png)
        print(result.to_text())
        print(f"chart: {png}")
        return 0
    if args.action == "trainee":
        return _trainee(args)
    from cenlab.course import cohort

    kinds = cohort.simulate(
        args.course, args.assignment, args.students, seed=args.seed, hostile=args.hostile
    )
    print(cohort.describe(kinds))
    return 0


def _course_check(args) -> int:
    from pathlib import Path

    from cenlab import course

    folder = Path(args.course).resolve()
    pairs = [(c, a) for c, a in course.find_assignments(folder.parent) if c == folder]
    if not pairs:
        raise UsageError(f"no assignment under {folder}/source/")
    unknown = sorted(set(args.assignment or ()) - {a for _, a in pairs})
    if unknown:
        raise UsageError(f"no assignment {unknown} in {folder.name}; found {[a for _, a in pairs]}")
    pairs = [(c, a) for c, a in pairs if not args.assignment or a in args.assignment]
    if args.mutants:
        return _mutant_check(pairs, args.min_score)
    if args.trainees is not None:
        from cenlab.course.variants import report_variants

        return report_variants([course.CoursePaths(c).source(a) for c, a in pairs], args.trainees)
    results = course.check_assignments(pairs, jobs=args.jobs)
    failed = 0
    for (c, a), result in zip(pairs, results):
        problems = course.static_problems(c, a) + result.problems()
        print(result.summary())
        for p in problems:
            if p not in result.problems():
                print(f"  PROBLEM: {p}")
        failed += bool(problems)
    return 1 if failed else 0


def _trainee(args) -> int:
    import re
    from pathlib import Path

    from cenlab import course
    from cenlab.course.variants import model_answers

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}", args.student):
        raise UsageError(f"{args.student!r} is not a trainee id (letters, digits, _ . @ -)")
    paths = course.CoursePaths(Path(args.course).resolve())
    if not paths.source(args.assignment).is_dir():
        raise UsageError(f"no assignment {args.assignment!r} in {paths.root.name}")
    out = Path(args.out) if args.out else paths.trainee_view(args.student, args.assignment)
    try:
        written = model_answers(paths.root, args.assignment, args.student, out)
    except ValueError as err:
        raise UsageError(str(err)) from None
    for path in written:
        print(f"wrote {path}")
    return 0


def _mutant_check(pairs, min_score: float) -> int:
    from cenlab.course import CoursePaths, check_mutants

    if not 0 <= min_score <= 1:
        raise UsageError(f"--min-score should be a share between 0 and 1, not {min_score}")
    failed = 0
    for c, a in pairs:
        report = check_mutants(CoursePaths(c).source(a))
        print(report.table())
        failed += report.score < min_score or bool(report.problems)
    return 1 if failed else 0
