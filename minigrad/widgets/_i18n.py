"""Every user-visible string of the explorers, keyed by language.

Add a language by adding a table with the same keys as ``EN`` to ``TABLES`` (a missing key
falls back to English, so a table can be filled in gradually). Placeholders use ``str.format``.
Formulas (``∂(x*y)/∂x = y``) are mathematics, not text, and are not translated.
"""

from __future__ import annotations

EN: dict[str, str] = {
    # buttons: label, then tooltip
    "play": "▶ Play",
    "play.tip": "Step automatically",
    "pause": "‖ Pause",
    "pause.tip": "Stop stepping",
    "step": "Step ▶|",
    "step.tip": "One step forward",
    "back": "|◀ Back",
    "back.tip": "One step back",
    "reset": "⟲ Reset",
    "reset.tip": "Back to the start",
    "forward": "Forward pass",
    "forward.tip": "Jump to the start of the forward pass",
    "backward": "Backward pass",
    "backward.tip": "Jump to the start of the backward pass (all values computed)",
    # sliders
    "slider.step": "Step",
    "slider.lr": "Learning rate",
    # graph explorer: status line
    "status.start": "Forward pass: only the inputs are known. Press Step.",
    "status.forward": "Forward pass, step {k} of {n}: {node} = {value}",
    "status.forward_done": "Forward pass done: {node} = {value}. Next: the backward pass.",
    "status.backward": "Backward pass, step {k} of {n}: {grad_fn} of {node} sent {sent}",
    "status.backward_leaf": "Backward pass, step {k} of {n}: {node}.grad = {grad}",
    "status.done": "Backward pass done: every leaf has its .grad.",
    # graph explorer: details panel
    "details.hint": "Click a node to inspect it.",
    "details.kind": "kind",
    "kind.leaf": "leaf (input)",
    "kind.op": "operation",
    "kind.output": "output",
    "kind.constant": "constant",
    "kind.saved": "saved tensor",
    "details.op": "op",
    "details.grad_fn": "grad_fn",
    "details.shape": "shape",
    "details.dtype": "dtype",
    "details.requires_grad": "requires_grad",
    "details.is_leaf": "is_leaf",
    "details.version": "_version",
    "details.value": "value",
    "details.grad": "grad",
    "details.not_yet": "not computed yet",
    "details.unknown": "unknown",
    "details.forward": "Forward",
    "details.local": "Local derivatives",
    "details.chain": "Chain rule (gradient sent to each input)",
    "details.waiting_run": "Runs at backward step {k}: upstream gradient not known yet.",
    "details.upstream": "upstream gradient {sym} = {value}",
    "details.received": "Gradients received",
    "details.from": "from {node} (input {slot})",
    "details.sum": "sum",
    "details.waiting": "waiting for {n} more",
    "details.seed": "backward() starts here with ∂{sym}/∂{sym} = {value}",
    # gradient-descent explorer
    "gd.converging": "Converging: the steps shrink toward a minimum.",
    "gd.slow": "Slow: the steps barely shrink; try a larger learning rate.",
    "gd.oscillating": "Oscillating: each step jumps over the minimum and back (still converging).",
    "gd.oscillating_stuck": "Oscillating: each step jumps over the minimum and back, forever.",
    "gd.diverging": "Diverging: each step lands further away; the learning rate is too large.",
    "gd.overflow": "(overflow after {k} steps)",
    "gd.step": "step",
    "gd.point": "point",
    "gd.value": "loss",
    "gd.slope": "gradient",
    "gd.update": "update −lr·gradient",
    "gd.next": "next point",
    "gd.tangent": "tangent",
    "gd.path": "path",
    # Playground-like trainer
    "trainer.dataset": "Data",
    "trainer.noise": "Noise",
    "trainer.activation": "Activation",
    "trainer.lr": "Learning rate",
    "trainer.batch_size": "Batch size",
    "trainer.init": "Initialisation",
    "trainer.init.random": "random",
    "trainer.init.zeros": "zeros (symmetric)",
    "trainer.optimizer": "Optimizer",
    "trainer.hidden": "Hidden layers",
    "trainer.neurons": "neurons",
    "trainer.add_layer": "Add a hidden layer",
    "trainer.remove_layer": "Remove the last hidden layer",
    "trainer.epoch": "Epoch",
    "trainer.output": "Output",
    "trainer.train_loss": "Training loss",
    "trainer.test_loss": "Test loss",
    "trainer.play.tip": "Train continuously",
    "trainer.pause.tip": "Stop training",
    "trainer.step.tip": "Train one epoch",
    "trainer.reset.tip": "Start again from the seed",
}

TABLES: dict[str, dict[str, str]] = {"en": EN}


class Text:
    """``Text('en')('status.forward', k=1, n=5, ...)``: a string of one language."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in TABLES:
            raise ValueError(f"lang must be one of {sorted(TABLES)}, not {lang!r}")
        self.lang = lang
        self.table = TABLES[lang]

    def __call__(self, key: str, **fields: object) -> str:
        s = self.table.get(key) or EN[key]
        return s.format(**fields) if fields else s
