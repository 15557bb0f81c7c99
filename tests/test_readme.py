"""The README's tour of client.yaml is a file contratgen accepts as it is."""
from click.testing import CliRunner

from contratgen.cli import main
from conftest import ROOT


def test_the_readme_tour_checks(tmp_path):
    text = (ROOT / "README.md").read_text("utf-8")
    start = text.index("```yaml", text.index("## A tour of client.yaml")) + len("```yaml\n")
    tour = tmp_path / "client.yaml"
    tour.write_text(text[start:text.index("```", start)], "utf-8")
    run = CliRunner().invoke(main, ["check", str(tour)])
    assert run.exit_code == 0, run.output
    assert " error: " not in run.output
