"""A shared pack or Word template cannot run code: every template renders in a sandbox.

Each test performs the attack through the real command line and checks that the marker file the
payload would create does not exist, and that the person is told which file was refused and why.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from assistant.core.errors import InputError
from assistant.core.prompts import TemplateRefused, sandboxed_environment, unsafe_uses

REPO = Path(__file__).resolve().parents[2]
SHIPPED_PACK = REPO / "rules" / "salford"
LINT_CLEAN_PACK = REPO / "tests" / "lint" / "packs" / "clean"
SERIOUS_CASE = REPO / "tests" / "forms" / "cases" / "serious.yaml"


def payload(marker: Path) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "REVIEW_ASSISTANT_CACHE": "off", "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )


def _carry_payload(pack: Path, marker: Path) -> None:
    """Put the payload on the first line of the pack's decision and text form templates."""
    prompts = pack / "prompts"
    (prompts / "forms").mkdir(parents=True)
    shipped = REPO / "prompts"
    decision = (shipped / "decision.txt.j2").read_text(encoding="utf-8")
    (prompts / "decision.txt.j2").write_text(payload(marker) + "\n" + decision, encoding="utf-8")
    for name in ("referral.md.j2", "referral.txt.j2", "referral.html.j2"):
        text = (shipped / "forms" / name).read_text(encoding="utf-8")
        (prompts / "forms" / name).write_text(payload(marker) + "\n" + text, encoding="utf-8")


@pytest.fixture
def hostile_pack(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped pack whose decision and form templates carry the payload."""
    pack = tmp_path / "shared-pack"
    shutil.copytree(SHIPPED_PACK, pack)
    marker = tmp_path / "pwned"
    _carry_payload(pack, marker)
    return pack, marker


@pytest.fixture
def small_hostile_pack(tmp_path: Path) -> tuple[Path, Path]:
    """The same templates in a copy of a three-rule pack, for lint: its template check reads the
    same files whatever the rules, and walking the shipped pack's rules is most of lint's time."""
    pack = tmp_path / "shared-pack"
    shutil.copytree(LINT_CLEAN_PACK, pack)
    marker = tmp_path / "pwned"
    _carry_payload(pack, marker)
    return pack, marker


def test_decide_with_a_hostile_pack_runs_nothing(hostile_pack, tmp_path):
    pack, marker = hostile_pack
    result = run_cli("--rules", str(pack), "decide", str(SERIOUS_CASE), home=tmp_path)
    assert not marker.exists()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[0]
    assert str(pack / "prompts" / "decision.txt.j2") + ", line 1: template refused" in line
    assert "__init__" in line and "nothing of it was run" in line


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_form_with_a_hostile_pack_runs_nothing(hostile_pack, tmp_path, fmt):
    pack, marker = hostile_pack
    result = run_cli(
        "--rules", str(pack), "form", str(SERIOUS_CASE), "--format", fmt, home=tmp_path
    )
    assert not marker.exists()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"referral.{fmt}.j2, line 1: template refused" in result.stderr
    assert result.stdout == ""


def test_lint_reports_the_hostile_template_with_file_and_line(small_hostile_pack, tmp_path):
    pack, marker = small_hostile_pack
    result = run_cli("lint", str(pack), home=tmp_path)
    assert not marker.exists()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stdout.splitlines() if "decision.txt.j2:1:" in line]
    assert len(lines) == 2, result.stdout  # __init__ and __globals__, both on line 1
    assert "reads '__globals__', which no template may use" in result.stdout
    assert "referral.md.j2:1:" in result.stdout


def hostile_docx(path: Path, marker: Path) -> Path:
    document = docx.Document()
    document.add_heading("Our referral form", level=1)
    document.add_paragraph().add_run("Child: {{ child.name }}")
    document.add_paragraph().add_run(payload(marker))
    document.save(str(path))
    return path


def test_form_with_a_crafted_word_template_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    template = hostile_docx(tmp_path / "crafted.docx", marker)
    out = tmp_path / "referral.docx"
    result = run_cli(
        "form", str(SERIOUS_CASE), "--template", str(template), "-o", str(out), home=tmp_path
    )
    assert not marker.exists()
    assert not out.exists()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{template}: template refused: access to attribute '__init__'" in result.stderr


def test_check_template_names_the_unsafe_tag(tmp_path):
    marker = tmp_path / "pwned"
    template = hostile_docx(tmp_path / "crafted.docx", marker)
    result = run_cli("form", "--check-template", str(template), home=tmp_path)
    assert not marker.exists()
    assert result.returncode == 1
    assert "the tag reads '__globals__', which no template may use" in result.stdout


@pytest.mark.parametrize(
    "source, refused",
    [
        ("{{ ''.__class__.__mro__ }}", "__class__"),
        ("{{ path.__dict__ }}", "__dict__"),
        ("{{ x.mro() }}", "mro"),
        ("{{ [1, 2].append(3) }}", "append"),
        ("{{ path.write_text('x') }}", "write_text"),
        ("{{ path.open('w') }}", "open"),
        ("{{ 10 ** 1000000 }}", "power"),
        ("{{ 'x' * 100000000 }}", "too long"),
    ],
)
def test_the_sandbox_refuses(source, refused, tmp_path):
    env = sandboxed_environment()
    target = tmp_path / "written.txt"
    with pytest.raises(TemplateRefused) as caught:
        env.from_string(source).render(x=str, path=target)
    assert refused in str(caught.value)
    assert isinstance(caught.value, InputError)
    assert not target.exists()


def test_the_sandbox_still_renders_ordinary_templates(tmp_path):
    env = sandboxed_environment()
    source = (
        "{% set ns = namespace(n=0) %}{% for a in items %}{% set ns.n = ns.n + a %}{% endfor %}"
        "{{ ns.n }} {{ 'ab' * 2 }} {{ 2 ** 10 }} {{ path.name }} {{ words|join(', ') }}"
    )
    text = env.from_string(source).render(
        items=[1, 2, 3], path=tmp_path / "f.txt", words=["a", "b"]
    )
    assert text == "6 abab 1024 f.txt a, b"


def test_unsafe_uses_finds_attributes_and_constant_items():
    tree = sandboxed_environment().parse(
        "{{ a.b }}\n{{ a['__globals__'] }}\n{{ a.mro }}\n{{ a[name] }}\n{{ a.gi_frame }}"
    )
    assert unsafe_uses(tree) == [(2, "__globals__"), (3, "mro"), (5, "gi_frame")]


async def test_the_chat_names_a_refused_template_when_it_stops():
    from rich.console import Console

    from assistant.core import load_pack
    from assistant.tui.app import ReviewAssistantApp
    from assistant.tui.safe_errors import protect

    app = protect(ReviewAssistantApp(load_pack()))
    async with app.run_test():
        app._exception = TemplateRefused("pack/prompts/chat/why.j2", 3, "access to '__init__'")
        app._fatal_error()
        console = Console(record=True, width=400)
        for renderable in app._exit_renderables:
            console.print(renderable)
        shown = console.export_text()
        app._exit_renderables.clear()
        app._exception = None
    assert shown.startswith("review-assistant: pack/prompts/chat/why.j2, line 3: template refused")
    assert "Traceback" not in shown
