"""The explainer's figures, one function per article figure: figure_N_name(scene, trace).

Each function builds its mobjects from the trace, plays them on `scene` with scene.beat() between steps,
and leaves its last frame as the figure's still. The scene clears the screen between figures.
"""
