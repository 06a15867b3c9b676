"""The README documents every command, and what it shows works."""

from __future__ import annotations

import re

import typer.main
from conftest import REPO, run

from qualcode.cli import _VALUED, COMMANDS, GROUPS, command_named, every_command
from qualcode.codebook import validate_text

README = (REPO / "README.md").read_text(encoding="utf-8")


def commands():
    root = typer.main.get_command(every_command())
    for name, cmd in root.commands.items():
        if hasattr(cmd, "commands"):
            for sub in cmd.commands:
                yield f"{name} {sub}", cmd.commands[sub]
        else:
            yield name, cmd


def test_every_command_has_help_and_a_readme_entry():
    names = list(commands())
    assert len(names) >= 8
    for name, cmd in names:
        assert cmd.help and len(cmd.help) > 20, name
        assert f"qualcode {name}" in README, f"README does not mention 'qualcode {name}'"
        r = run(*name.split(), "--help")
        assert r.exit_code == 0 and "Usage" in r.output, name


def test_each_command_is_found_in_the_module_a_run_loads_for_it():
    """`qualcode NAME` imports and builds only NAME's module (qualcode/cli/__init__.py): the map
    must name every command and group, each where it is defined."""
    app = every_command()
    where = {typer.main.get_command_name(c.callback.__name__) if c.name is None else c.name:
             c.callback.__module__.rsplit(".", 1)[1] for c in app.registered_commands}
    assert where == COMMANDS
    assert {g.name: g.typer_instance.registered_commands[0].callback.__module__.rsplit(".", 1)[1]
            for g in app.registered_groups} == GROUPS
    # The root's options that take a value, which command_named skips with their value.
    root = typer.main.get_command(app)
    assert set(_VALUED) == {name for p in root.params if not p.is_flag for name in p.opts}
    assert command_named(["status"]) == "status"
    assert command_named(["-P", "status", "--debug", "summary", "--json"]) == "summary"  # 'status' is -P's folder
    assert command_named(["--project=x", "--encoding", "cp1252", "codebook", "show"]) == "codebook"
    assert command_named(["--help", "status"]) is None and command_named(["statsu"]) is None
    assert command_named([]) is None and command_named(["--debug"]) is None


def test_quick_start_is_exactly_two_commands():
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quick, re.S)
    assert len(blocks) == 2 and all(len(b.strip().splitlines()) == 1 for b in blocks)
    assert "qualcode summary" in blocks[0] and "pytest" in blocks[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert blocks[1].strip() in ci  # CI runs the README's test command as written


def test_readme_codebook_example_is_valid():
    block = README.split("### The codebook", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    codebook, problems = validate_text(block, "README.md")
    assert problems == [] and codebook.theme("court-procedure").groups == ("CPS",)


def test_readme_tour_commands_run_on_the_example(example, monkeypatch):
    monkeypatch.chdir(example)  # as a user would: inside the project (and --out lands there)
    for line in README.split("## A tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0].splitlines():
        args = line.split("#")[0].split()[1:]
        if not args or args[0] == "code":
            continue
        args = [a.strip('"') for a in args]
        if "--quote" in args:  # re-join the quoted words
            i = args.index("--quote")
            j = next(k for k in range(i + 1, len(args)) if args[k].startswith("--"))
            args[i + 1:j] = [" ".join(args[i + 1:j])]
        r = run(*args)
        assert r.exit_code == 0, (line, r.output)
    assert (example / "cps-themes.md").read_text().startswith("# Key themes")


def test_the_readme_names_no_command_that_does_not_exist():
    """Every `qualcode WORD` (and `qualcode GROUP WORD`) in the README's code (fenced blocks and
    inline code) is a real command, so the README cannot describe a command that was renamed or
    never built."""
    names = dict(commands())
    groups = {name.split()[0] for name in names if " " in name}
    code = re.findall(r"```.*?```", README, re.S)
    code += re.findall(r"`([^`\n]+)`", re.sub(r"```.*?```", "", README, flags=re.S))
    bad = []
    lines = [re.sub(r"(^|\s)#.*", "", line) for snippet in code for line in snippet.splitlines()
             if not line.lstrip().startswith(("from ", "import "))]  # shell comments and Python are prose
    for line in lines:
        for m in re.finditer(r"qualcode ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?", line):
            first, second = m.group(1), m.group(2)
            if first in groups:
                if second is not None and f"{first} {second}" not in names:
                    bad.append(m.group(0))
            elif first not in names:
                bad.append(m.group(0))
    assert not bad, f"README names commands that do not exist: {sorted(set(bad))}"


def test_help_lists_commands_by_task_and_names_what_options_take():
    r = run("--help")
    assert r.exit_code == 0
    sections = [line.rstrip(":") for line in r.output.splitlines() if line.endswith(":") and not line.startswith(" ")]
    assert sections[-6:] == ["Project", "Coding", "Assisted coding", "Reports", "Team", "Exchange"]
    listed = {line.split()[0] for line in r.output.split("Project:", 1)[1].splitlines() if line.startswith("  ")}
    assert {name.split()[0] for name, _ in commands()} <= listed  # none left out
    tag = run("tag", "--help").output
    assert "--code THEME" in tag and "--coder NAME" in tag and "--quote TEXT" in tag and "Exact text to tag" not in tag


def test_no_help_shows_typer_s_type_names_or_braces():
    import re

    for name, _ in commands():
        text = run(*name.split(), "--help").output
        usage = text.splitlines()[0]
        assert "{" not in usage, (name, usage)
        for shape in (r"<str>", r"<list\[", r"<int>", r"<path>", r"<file>", r"<dir>", r"<float>"):
            assert not re.search(shape, text), (name, shape, text)
    assert run("import", "qdpx", "--help").output.splitlines()[0].endswith("[OPTIONS] FILE")
    assert "[SEGMENT_ID]..." in run("tag", "--help").output
