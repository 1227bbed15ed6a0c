#!/usr/bin/env python3
"""tools/lab.py - the graded labs: skeletons made from the real kernel, and
their grader (docs/labs/README.md says how a lab is written).

A lab NAME is docs/labs/NAME.md (the handout), tests/labs/NAME.py (its
tests: TITLE, TESTS) and regions of the sources marked

	/* LAB NAME BEGIN */
	... the reference solution ...
	/* LAB NAME STUB
	... the stub, compiled only in the skeleton ...
	   LAB NAME END */

The reference tree (this one) compiles the solution; the stub is a
comment.  NAME's skeleton has each region replaced by one line saying
where the student's code goes, then the stub's lines; the regions of the
other labs lose their marker lines and keep their solution.

usage:
  tools/lab.py list                     the labs, with their marked files
  tools/lab.py check                    every lab complete, every marker paired
  tools/lab.py tree NAME DIR            the student tree of NAME in DIR
                                        (HEAD's tracked files; make lab)
  tools/lab.py skeleton NAME IN OUT     one source file, as NAME's skeleton
                                        has it (the Makefile's build/labs/)
  tools/lab.py grade NAME [--kernel K]  boot NAME's tests, print the score
                                        (make grade); exit 0 on full marks
"""
import argparse
import importlib.util
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

# The files whose markers count: sources, not the docs that show them.
MARKED_EXT = (".c", ".h", ".S", ".asm", ".ld")
MARKER = re.compile(r"^(\s*)(?:/\* )?LAB (\w+) (BEGIN|STUB|END)\b")


class MarkerError(Exception):
    pass


def transform(text, lab, where="<text>"):
    """The skeleton of one file: in lab's regions the solution (between
    BEGIN and STUB) becomes a line saying where the student's code goes,
    and the stub's lines stay; in the other labs' regions the solution
    stays and the stub goes.  The marker lines go."""
    out, region, part = [], None, None
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        m = MARKER.match(line)
        if m:
            indent, name, kind = m.groups()
            if kind == "BEGIN":
                if region is not None:
                    raise MarkerError(f"{where}:{n}: LAB {name} BEGIN inside LAB {region}")
                region, part = name, "ref"
                if name == lab:
                    out.append(f"{indent}/* LAB {lab}: your code goes here "
                               f"(docs/labs/{lab}.md) */\n")
                continue
            if name != region:
                raise MarkerError(f"{where}:{n}: LAB {name} {kind} outside its region")
            if kind == "STUB":
                if part != "ref":
                    raise MarkerError(f"{where}:{n}: a second LAB {name} STUB")
                part = "stub"
                if line.rstrip().endswith("*/"):  # "/* LAB x STUB */": no stub
                    raise MarkerError(f"{where}:{n}: the STUB line must open a "
                                      f"comment that LAB {name} END closes")
                continue
            region, part = None, None  # END
            continue
        if region is None:
            out.append(line)
        elif region == lab and part == "stub":
            out.append(line)
        elif region != lab and part == "ref":
            out.append(line)
    if region is not None:
        raise MarkerError(f"{where}: LAB {region} has no END")
    return "".join(out)


def tracked_files():
    out = subprocess.run(["git", "-C", ROOT, "ls-files"], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    return [f for f in out.splitlines() if f]


def marked_files(lab=None):
    """{lab: [files with its markers]} over the tracked sources."""
    labs = {}
    for path in tracked_files():
        if not path.endswith(MARKED_EXT):
            continue
        try:
            with open(os.path.join(ROOT, path), encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        for m in re.finditer(r"LAB (\w+) BEGIN", text):
            labs.setdefault(m.group(1), [])
            if path not in labs[m.group(1)]:
                labs[m.group(1)].append(path)
    return labs if lab is None else labs.get(lab, [])


def lab_names():
    d = os.path.join(ROOT, "tests", "labs")
    return sorted(f[:-3] for f in os.listdir(d) if f.endswith(".py")) \
        if os.path.isdir(d) else []


def check_name(lab):
    if lab not in lab_names():
        sys.exit(f"lab.py: no lab '{lab}' (tests/labs/{lab}.py); the labs: "
                 f"{' '.join(lab_names()) or 'none'}")


# The rule itself, on an example (problems() checks it every make test).
_EXAMPLE = ("{\n\t/* LAB a BEGIN */\n\tx = 1;\n\t/* LAB a STUB\n\treturn -ENOSYS;\n"
            "\t   LAB a END */\n\t/* LAB b BEGIN */\n\ty = 2;\n\t/* LAB b STUB\n"
            "\treturn 0;\n\t   LAB b END */\n}\n")
_EXAMPLE_A = ("{\n\t/* LAB a: your code goes here (docs/labs/a.md) */\n"
              "\treturn -ENOSYS;\n\ty = 2;\n}\n")


def problems():
    """What is wrong with the labs: a lab without its handout, TITLE or
    points; markers of a lab with no tests/labs file; a marker out of
    pairs (each marked file made into every lab's skeleton)."""
    found = []
    if transform(_EXAMPLE, "a") != _EXAMPLE_A:
        found.append("transform() does not follow docs/labs/README.md's rule")
    marked = marked_files()
    for lab in lab_names():
        if not os.path.exists(os.path.join(ROOT, "docs", "labs", lab + ".md")):
            found.append(f"lab {lab}: no handout docs/labs/{lab}.md")
        try:
            mod = load_lab(lab)
            total = sum(t.get("points", 0) + sum(t.get("tap_points", {}).values())
                        for t in mod.TESTS)
            if not isinstance(mod.TITLE, str) or not total:
                found.append(f"lab {lab}: tests/labs/{lab}.py has no TITLE or no points")
        except Exception as e:  # a broken module is a problem to report
            found.append(f"lab {lab}: tests/labs/{lab}.py: {e!r}")
    for lab in marked:
        if lab not in lab_names():
            found.append(f"lab {lab}: markers in {' '.join(marked[lab])} but no "
                         f"tests/labs/{lab}.py")
    for path in sorted({f for files in marked.values() for f in files}):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            text = f.read()
        for lab in marked:
            try:
                if transform(text, lab, path) == text:
                    found.append(f"{path}: the skeleton of lab {lab} is the reference")
            except MarkerError as e:
                found.append(str(e))
                break
    return found


# ---------------------------------------------------------------- the tree
def make_tree(lab, dest):
    """HEAD's tracked files in dest, as lab's skeleton, in a fresh git
    repository of one commit (so that `git diff` shows the student's work)."""
    check_name(lab)
    if os.path.exists(dest) and os.listdir(dest):
        sys.exit(f"lab.py: {dest} exists and is not empty")
    os.makedirs(dest, exist_ok=True)
    archive = subprocess.run(["git", "-C", ROOT, "archive", "HEAD"],
                             stdout=subprocess.PIPE, check=True).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    changed = 0
    for dirpath, _, files in os.walk(dest):
        for name in files:
            path = os.path.join(dirpath, name)
            if not name.endswith(MARKED_EXT) or os.path.islink(path):
                continue
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                text = f.read()
            if "LAB " not in text:
                continue
            new = transform(text, lab, os.path.relpath(path, dest))
            if new != text:
                with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
                    f.write(new)
                changed += f"LAB {lab} BEGIN" in text
    git = ["git", "-C", dest, "-c", "user.name=vmos lab",
           "-c", "user.email=lab@vmos.invalid"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", f"lab {lab}: the skeleton"], check=True)
    print(f"lab {lab}: the student tree is {dest} ({changed} "
          f"file{'s' if changed != 1 else ''} with a skeleton); the handout is docs/labs/{lab}.md; `make grade LAB={lab}` "
          "there grades it")


# ---------------------------------------------------------------- grading
def load_lab(lab):
    """tests/labs/NAME.py as a module (TITLE, TESTS)."""
    path = os.path.join(ROOT, "tests", "labs", lab + ".py")
    spec = importlib.util.spec_from_file_location(f"lab_{lab}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def lab_tests(lab, kernel, tag=""):
    """lab's TESTS, ready for run.py's run_qemu: named NAME[-TAG]-TEST,
    logged in build/test-logs/lab-NAME[-TAG]-TEST.log, on kernel; a panic
    always fails."""
    import run
    tests = []
    for t in load_lab(lab).TESTS:
        name = f"{lab}{'-' + tag if tag else ''}-{t['name']}"
        tests.append(dict(t, name=name, log="lab-" + name, kernel=kernel, lab=lab,
                          forbid=list(t.get("forbid", [])) + [r"PANIC"],
                          exit=t.get("exit", run.EXIT_OK)))
    return tests


class _Verdict:
    """Collects what run.py's judge_qemu finds, without printing it."""
    def __init__(self):
        self.ok, self.details = True, []

    def add(self, ok, name, detail=""):
        self.ok = self.ok and ok
        if not ok:
            self.details.append(detail)


def tap_cases(text):
    """(ok, description, the "#" lines printed since the previous case)
    for every TAP line of text."""
    import run
    cases, notes = [], []
    for line in text.splitlines():
        m = run.TAP_LINE.match(line.strip())
        if m:
            cases.append((m.group(1) == "ok", m.group(3).strip(), notes))
            notes = []
        elif line.startswith("# "):
            notes.append(line)
    return cases


def score(test, code, text, secs):
    """[(points won, points possible, description, why)] for one boot of a
    lab test: one line per tap_points case (why: the failed checks it
    printed), one for the boot itself (its exit code and log patterns,
    run.py's judge_qemu) if it has points."""
    import run
    lines = []
    verdict = _Verdict()
    run.judge_qemu(verdict, dict(test, tap=False), code, text, secs)
    cases = tap_cases(text)
    for pattern, pts in test.get("tap_points", {}).items():
        hits = [c for c in cases if re.search(pattern, c[1])]
        won = pts if hits and all(ok for ok, _, _ in hits) else 0
        desc = hits[0][1] if hits else f"/{pattern}/ (the test did not get this far)"
        why = [n for ok, _, notes in hits if not ok for n in notes
               if "check failed" in n]
        lines.append((won, pts, desc, why))
    if test.get("points"):
        why = "" if verdict.ok else ": " + "; ".join(verdict.details)
        lines.append((test["points"] if verdict.ok else 0, test["points"],
                      f"{test['name']}: boots and ends as expected{why}", []))
    return lines


def grade(lab, kernel):
    """Boot each of lab's tests on kernel; print a line per scored case
    and the score.  Returns (won, possible)."""
    import run
    check_name(lab)
    if not os.path.exists(kernel):
        sys.exit(f"lab.py: no kernel {kernel} (make grade LAB={lab} builds it)")
    os.makedirs(run.LOGS, exist_ok=True)
    mod = load_lab(lab)
    print(f"== lab {lab}: {mod.TITLE} ({os.path.relpath(kernel, ROOT)})")
    won = possible = 0
    for test in lab_tests(lab, kernel):
        code, text, secs = run.run_qemu(test)
        for w, p, desc, why in score(test, code, text, secs):
            print(f"{'ok  ' if w == p else 'FAIL'} {w:2d}/{p:<2d} {desc}")
            for note in why[:4]:
                print(f"           {note}")
            won, possible = won + w, possible + p
        print(f"   ({test['name']}: {secs:.1f} s, log build/test-logs/{test['log']}.log)")
    print(f"Score: {won}/{possible}")
    return won, possible


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    sub.add_parser("check")
    p = sub.add_parser("tree")
    p.add_argument("lab")
    p.add_argument("dir")
    p = sub.add_parser("skeleton")
    p.add_argument("lab")
    p.add_argument("src")
    p.add_argument("out")
    p = sub.add_parser("grade")
    p.add_argument("lab")
    p.add_argument("--kernel", default=os.path.join(ROOT, "build", "kernel.elf"))
    args = ap.parse_args()
    try:
        if args.cmd == "list":
            marked = marked_files()
            for lab in lab_names():
                print(f"{lab}: {' '.join(marked.get(lab, [])) or '(no markers: solved or a student tree)'}")
        elif args.cmd == "check":
            found = problems()
            for p in found:
                print(f"lab.py: {p}")
            print(f"lab.py: {len(lab_names())} labs, {len(found)} problems")
            return 1 if found else 0
        elif args.cmd == "tree":
            make_tree(args.lab, args.dir)
        elif args.cmd == "skeleton":
            with open(args.src, encoding="utf-8") as f:
                text = transform(f.read(), args.lab, args.src)
            with open(args.out, "w", encoding="utf-8") as f:
                f.write(text)
        else:
            won, possible = grade(args.lab, os.path.abspath(args.kernel))
            return 0 if possible and won == possible else 1
    except MarkerError as e:
        sys.exit(f"lab.py: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
