"""How every forecast of the Sales Sentinel keeps its robust residual scale and its running log-loss."""

from __future__ import annotations

#: Rate of a forecast's residual scale (mean absolute residual over about the last hundred points).
SCALE_RATE = 0.01
#: Residuals beyond this many scales count as this many when the scale learns, so spikes barely move it.
SCALE_CLIP = 5.0
#: Rate of a forecast's running log-loss, which decides which forecast to trust (a few hundred points).
LOSS_RATE = 0.005
#: A single residual adds at most this many scales to a forecast's loss.
LOSS_CLIP = 50.0
#: Handicap of a newly started forecast, so it must prove itself before it is trusted.
LOSS_HANDICAP = 0.5
