"""A job's checkpoint: its planned update-time windows, which are done, where the others resume.

Several tasks may fetch one job's windows at once (`IMPORT_WINDOW_TASKS`), so each window keeps
its own cursor, and the list of windows only grows: a window the platform would not page
through is marked done and its smaller replacements are appended, so a window's index never
changes while another task works on it.

    {"windows": [[from, to, total], ...], "done": [0, 2, 3], "cursors": {"1": <cursor>},
     "split": [3], "until": <unix time>}

Jobs checkpointed before (one window after another: "window", "cursor") read as the same.
"""

from __future__ import annotations

from typing import Any

from imports.pipeline.fetch import Window


def checkpoint_upgrade(checkpoint: dict[str, Any]) -> dict[str, Any]:
    """The per-window form of a checkpoint written one window after another."""
    if "done" in checkpoint or "windows" not in checkpoint:
        return checkpoint
    position = int(checkpoint.get("window") or 0)
    cursor = checkpoint.get("cursor")
    upgraded = {k: v for k, v in checkpoint.items() if k not in ("window", "cursor")}
    upgraded["done"] = list(range(position))
    upgraded["cursors"] = {str(position): cursor} if cursor is not None else {}
    return upgraded


def checkpoint_planned(windows: list[Window], until: int) -> dict[str, Any]:
    return {"windows": [w.as_list() for w in windows], "done": [], "cursors": {}, "until": until}


def pending_windows(checkpoint: dict[str, Any]) -> list[int]:
    """Indexes of the windows not fetched to their end yet, in order."""
    checkpoint = checkpoint_upgrade(checkpoint)
    done = set(checkpoint.get("done") or [])
    return [i for i in range(len(checkpoint.get("windows") or [])) if i not in done]


def windows_done(checkpoint: dict[str, Any]) -> int:
    return len(checkpoint_upgrade(checkpoint).get("done") or [])


def window_at(checkpoint: dict[str, Any], index: int) -> Window:
    return Window(*checkpoint["windows"][index])


def window_cursor(checkpoint: dict[str, Any], index: int) -> Any:
    return (checkpoint_upgrade(checkpoint).get("cursors") or {}).get(str(index))


def checkpoint_page(checkpoint: dict[str, Any], index: int, next_cursor: Any) -> dict[str, Any]:
    """The checkpoint past a committed page of window `index` (None: the window is done)."""
    checkpoint = checkpoint_upgrade(checkpoint)
    cursors = dict(checkpoint.get("cursors") or {})
    done = list(checkpoint.get("done") or [])
    if next_cursor is None:
        cursors.pop(str(index), None)
        if index not in done:
            done.append(index)
    else:
        cursors[str(index)] = next_cursor
    return {**checkpoint, "cursors": cursors, "done": sorted(done)}


def checkpoint_split(
    checkpoint: dict[str, Any], index: int, smaller: list[Window]
) -> dict[str, Any]:
    """Window `index` replaced by `smaller` ones, appended (indexes in use never change)."""
    checkpoint = checkpoint_page(checkpoint, index, None)
    return {
        **checkpoint,
        "windows": checkpoint["windows"] + [w.as_list() for w in smaller],
        "split": sorted({*checkpoint.get("split", []), index}),
    }


def windows_paged(checkpoint: dict[str, Any]) -> list[Window]:
    """The planned windows, without those replaced by smaller ones."""
    split = set(checkpoint.get("split") or [])
    windows = checkpoint.get("windows") or []
    return [Window(*window) for i, window in enumerate(windows) if i not in split]
