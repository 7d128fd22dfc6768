import re

from config.settings import BASE_DIR


def test_ci_runs_the_readme_test_command():
    readme = (BASE_DIR / "README.md").read_text()
    ci = (BASE_DIR / ".ci" / "run").read_text()
    ci_command = re.search(r"test_command='([^']+)'", ci).group(1)
    blocks = re.findall(r"```bash\n(.+?)\n```", readme)
    assert ci_command in blocks
    assert any(block.endswith("manage.py up") for block in blocks)
