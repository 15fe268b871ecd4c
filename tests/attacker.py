"""The attacker of issue 14: an integer program over everything a viewer receives.

Unknowns are true counts (of cells the test chooses: months × categories, disjoint pieces
of CompStat's windows, areas …). Every figure a view shows adds what it tells about a
linear combination of them, with the domain its label gives:

- `0` is exact; `<k` is 1…k−1; `..` is anything (≥ 0);
- a number n of the store's own registers is a perturbed count: the truth is in
  max(k, n − D)…n + D; an official statistic (or D = 0) is exact;
- a derived figure computed from true counts (a rounded sum, a rolling mean) is a range
  on its combination (`derived`).

A derived figure computed from published figures only adds nothing, and the tests check
that it is: `same_as_published`. `pinned()` then asks, for every hidden cell and every
perturbed count, whether the program allows one value only (scipy's MILP, HiGHS).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp

from pax import privacy


@dataclass
class Figure:
    name: str
    coef: dict[int, float]
    lo: float
    hi: float
    target: bool  # a hidden cell or a perturbed count: pinning it is a disclosure


@dataclass
class Attacker:
    policy: privacy.Policy
    truth: list[float] = field(default_factory=list)  # the true counts (to check the model)
    names: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)

    def unknown(self, name: str, true: float) -> int:
        """A new unknown true count; returns its index."""
        self.names.append(name)
        self.truth.append(float(true))
        return len(self.truth) - 1

    def shown(self, name: str, cells, label: str, value=None, exact: bool = False) -> None:
        """A published figure: its label (`0`, `<k`, `..`, a number) over the sum of
        `cells` (indices or {index: coefficient})."""
        coef = cells if isinstance(cells, dict) else dict.fromkeys(cells, 1.0)
        k, noise = self.policy.k, (0 if exact else self.policy.noise)
        text = str(label).replace("\u00a0", "").replace(" ", "").replace(",", "")
        if text == privacy.HIDDEN:
            figure = Figure(name, coef, 0, math.inf, True)
        elif text.startswith("<"):
            figure = Figure(name, coef, 1, k - 1, True)
        else:
            n = float(value if value is not None and not pd.isna(value) else text)
            if n == 0:
                figure = Figure(name, coef, 0, 0, False)
            else:
                figure = Figure(name, coef, max(k, n - noise), n + noise, noise > 0)
        self._add(figure)

    def derived(self, name: str, cells, lo: float, hi: float) -> None:
        """A figure derived from true counts: their combination lies in [lo, hi]."""
        coef = cells if isinstance(cells, dict) else dict.fromkeys(cells, 1.0)
        self._add(Figure(name, coef, lo, hi, False))

    def _add(self, figure: Figure) -> None:
        true = sum(self.truth[i] * c for i, c in figure.coef.items())
        assert figure.lo - 1e-9 <= true <= figure.hi + 1e-9, (
            f"{figure.name}: the shown figure says {figure.lo}…{figure.hi}, the truth is {true}"
        )
        self.figures.append(figure)

    def _solve(self, goal: np.ndarray, rows, lows, highs) -> float:
        n = len(goal)
        res = milp(
            goal,
            constraints=LinearConstraint(rows, lows, highs),
            integrality=np.ones(n),
            bounds=Bounds(np.zeros(n), np.full(n, np.inf)),
        )
        if res.status == 0:
            return float(goal @ res.x)
        # The truth satisfies every constraint (checked as they are added), so a program
        # without an optimum is unbounded: the goal can go down without end.
        assert res.status in (3, 4), res.message
        return -math.inf

    def _components(self) -> list[tuple[list[int], list[int]]]:
        """Unknowns that share no figure are independent: (unknowns, figures) per part."""
        parent = list(range(len(self.truth)))

        def root(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for f in self.figures:
            first, *rest = f.coef
            for i in rest:
                parent[root(i)] = root(first)
        parts: dict[int, tuple[list[int], list[int]]] = {}
        for i in range(len(self.truth)):
            parts.setdefault(root(i), ([], []))[0].append(i)
        for j, f in enumerate(self.figures):
            parts[root(next(iter(f.coef)))][1].append(j)
        return list(parts.values())

    def pinned(self) -> list[str]:
        """The targets (hidden cells, perturbed counts) that the program allows one non-zero
        value for (a hidden zero may be known: it discloses nobody)."""
        out = []
        for unknowns, figures in self._components():
            out += self._pinned_in(unknowns, [self.figures[j] for j in figures])
        return out

    def _pinned_in(self, unknowns: list[int], figures: list[Figure]) -> list[str]:
        index = {u: i for i, u in enumerate(unknowns)}
        rows = np.zeros((len(figures), len(unknowns)))
        for j, f in enumerate(figures):
            for u, c in f.coef.items():
                rows[j, index[u]] = c
        lows = np.array([f.lo for f in figures], dtype=float)
        highs = np.array([f.hi for f in figures], dtype=float)
        truth = np.array([self.truth[u] for u in unknowns])
        out, seen = [], set()
        for j, f in enumerate(figures):
            signature = tuple(sorted(f.coef.items()))
            if not f.target or signature in seen:
                continue
            seen.add(signature)
            goal = rows[j]
            true = float(goal @ truth)
            if true == 0:
                continue
            if len(unknowns) == 1 and f.hi - f.lo >= 1:
                continue  # a figure of one cell that nothing else constrains
            low = self._solve(goal, rows, lows, highs)
            if low < true - 0.5:
                continue  # the truth is feasible, so the figure has at least two values
            high = -self._solve(-goal, rows, lows, highs)
            if high - low < 0.5:
                out.append(f"{f.name} = {true:g}")
        return out


def same_as_published(derived, expected, decimals: int | None = None) -> None:
    """A derived figure that must be a function of the published figures: equal to
    `expected`, computed here from what the view shows (missing where that is)."""
    a = pd.to_numeric(pd.Series(derived), errors="coerce").to_numpy(dtype=float)
    b = pd.to_numeric(pd.Series(expected), errors="coerce").to_numpy(dtype=float)
    if decimals is not None:
        b = np.round(b, decimals)
    assert np.array_equal(np.isnan(a), np.isnan(b)), (a, b)
    ok = ~np.isnan(a)
    assert np.allclose(a[ok], b[ok]), (a, b)
