"""The canvas: a free-form board of blocks (scene, view, one module per block type, view-model, undo)."""
