"""make run and make venue load the same demo (the venue must not lack check-ins, evaluations and tests)."""
import re
from pathlib import Path

MAKEFILE = Path(__file__).resolve().parent.parent / 'Makefile'


def _recipe(target: str, text: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf'^{target}:', line))
    recipe = []
    for line in lines[start + 1:]:
        if not line.startswith('\t'):
            break
        recipe.append(line.strip())
    return recipe


def test_run_and_venue_load_the_demo_the_same_way():
    text = MAKEFILE.read_text()
    load_demo = re.search(r'^LOAD_DEMO = (.*)$', text, re.M)
    assert load_demo and 'flask plm demo --attendance' in load_demo.group(1)
    for target in ('run', 'venue'):
        assert '@$(LOAD_DEMO)' in _recipe(target, text), target
    # No target loads the demo by hand, without the shared command.
    assert all('plm demo' not in line for target in ('run', 'venue') for line in _recipe(target, text))
