"""Every notebook in notebooks/ runs top to bottom against the real API and Neo4j, on a synthetic CRM
with its ground truth, as `make lab` would open it; and none is committed with outputs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from graphsvc.api import create_app
from graphsvc.config import Settings
from graphsvc.db import Database
from graphsvc.service.apikeys import create_key
from tests.support import load_crm, serve_in_thread

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
OUTPUTS = Path(__file__).resolve().parents[2] / ".graphsvc" / "notebooks"


@pytest.fixture(scope="module")
def lab(session_db: Database, settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The environment `make lab` gives the notebooks: the API's address, an analyst's key, the truth."""
    loaded = load_crm(session_db, settings, tmp_path_factory.mktemp("crm"))
    _, secret = create_key(session_db, name="notebooks", role="analyst")
    with serve_in_thread(create_app(settings.model_copy(update={"anonymous_role": "none"}), session_db)) as base:
        yield {"GRAPHSVC_URL": base, "GRAPHSVC_API_KEY": secret, "GRAPHSVC_SYNTH_DIR": loaded["synth_dir"]}


def test_there_are_the_four_stories() -> None:
    assert [p.stem for p in ALL] == [
        "01_campaign_influencers",
        "02_communities",
        "03_resolution_audit",
        "04_brand_sentiment",
    ]


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (
                f"{path.name}: a cell holds outputs; clear them (Jupyter: Edit > Clear Outputs of All Cells)"
            )


@pytest.mark.parametrize("path", ALL, ids=[p.stem for p in ALL])
def test_notebook_runs_to_the_end(path: Path, lab: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in lab.items():  # matplotlib draws inline in the kernel, as in Jupyter
        monkeypatch.setenv(name, value)
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    pictures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert pictures, f"{path.name} drew no picture"
    OUTPUTS.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, OUTPUTS / path.name)  # executed copies, to look at (ignored by git)
