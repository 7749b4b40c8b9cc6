"""lucid.visual.build_mermaid_chart: the exact chart of small models (boxes, subgraphs,
execution-order arrows, shapes, parameter counts, folded repeats) and bad arguments."""

import pytest

import lucid
from lucid import visual

nn = pytest.importorskip("lucid.nn", reason="charts of modules need lucid-nn installed")


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.act = nn.Linear(4, 4), nn.ReLU()

    def forward(self, x):
        return x + self.act(self.fc(x))


def test_chart_of_a_sequential_with_shapes_and_params():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    lines = visual.build_mermaid_chart(model, (5, 3), depth=1, show_shapes=True,
                                       show_params=True, return_lines=True)
    assert lines == [
        "flowchart LR",
        '  input(["input"])',
        '  subgraph m0["Sequential<br/>26 params<br/>(5,2)"]',
        '    m1["0 (Linear)<br/>16 params<br/>(5,4)"]',
        '    m2["1 (ReLU)<br/>0 params<br/>(5,4)"]',
        '    m3["2 (Linear)<br/>10 params<br/>(5,2)"]',
        "  end",
        '  output(["output"])',
        "  input --> m1", "  m1 --> m2", "  m2 --> m3", "  m3 --> output",
    ]


def test_identical_blocks_fold_and_depth_limits():
    model = nn.Sequential(Block(), Block(), Block(), nn.Linear(4, 1))
    chart = visual.build_mermaid_chart(model, input_shape=(2, 4), depth=2)
    assert '0 (Block) x 3' in chart and "1 (Block)" not in chart
    assert "fc (Linear)" in chart  # the representative's layers are shown once
    arrows = [line.strip() for line in chart.splitlines() if "-->" in line]
    # the block's layers in order, then the final Linear (m10: ids follow registration order)
    assert arrows == ["input --> m2", "m2 --> m3", "m3 --> m10", "m10 --> output"]
    flat = visual.build_mermaid_chart(model, inputs=lucid.zeros((2, 4)), depth=1,
                                      collapse_repeats=False, include_io=False)
    assert "subgraph m1" not in flat and '"1 (Block)"' in flat
    assert [ln.strip() for ln in flat.splitlines() if "-->" in ln] == \
        ["m1 --> m2", "m2 --> m3", "m3 --> m4"]
    assert visual.build_mermaid_chart(model, (2, 4), depth=0, direction="TB").startswith(
        "flowchart TB")


def test_bad_arguments():
    model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match="exactly one"):
        visual.build_mermaid_chart(model)
    with pytest.raises(ValueError, match="depth"):
        visual.build_mermaid_chart(model, (1, 2), depth=-1)
    with pytest.raises(ValueError, match="direction"):
        visual.build_mermaid_chart(model, (1, 2), direction="up")
