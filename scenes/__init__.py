"""manim scenes that animate mlp_core traces."""
