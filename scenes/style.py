"""The article's look: white paper, dark ink, light blue result boxes, the chain-rule factor colours.

Font sizes are chosen to stay readable at 480p (1 frame unit = 60 pixels there): nothing below SMALL.
"""
INK = "#1b1b1b"
PAPER = "#ffffff"
MUTED = "#6b6b6b"  # secondary ink: axes, ellipses, hints

# Results are boxed light blue (figures 6, 8, 13, 17).
RESULT_FILL = "#cfe5f2"
RESULT_STROKE = "#3a86b8"
HIGHLIGHT = "#bcdcee"  # the light blue band over a matrix row/column (figure 3)

# Chain-rule factors (figures 10-17).
FACTOR_DL_DH2 = "#5aa6e0"  # light blue: dLoss/dh2
FACTOR_DH2_DZ2 = "#e8741c"  # orange: dh2/dz2, and dLoss/dh1
FACTOR_DL_DH1 = FACTOR_DH2_DZ2
FACTOR_DH1_DZ1 = "#1f4e9e"  # dark blue: dh1/dz1
FACTOR_DZ_DW = "#2f9a4a"  # green: dz2/dW2 and dz1/dW1
REUSED = "#3a7fd0"  # dashed blue: a factor reused from the W2 computation

# The network's two output units (orange block on top, blue block below) and the classes they stand for.
OUTPUT_COLORS = ("#e0701e", "#58a4dc")

# The LEGO stack and the passes over it (figure 1).
BRICK_WHITE = "#f2f2f2"
BRICK_BLUE = "#2f80c4"
BRICK_DARK = "#1c3550"
FORWARD = "#1f3fe0"  # the blue arrow up
BACKWARD = "#d8232a"  # the red arrow down
EDGE_HIGHLIGHT = "#1f3fe0"  # a weight matrix's edges lit up on the network

# Font sizes (manim font_size units).
TITLE = 40
BODY = 34  # formulas
NUMBER = 32  # matrix entries
SMALL = 22  # edge labels, axis labels

# Frame layout (manim's 16:9 frame is 14.22 x 8 units).
MARGIN = 0.4
FRAME_WIDTH = 14.22 - 2 * MARGIN
FRAME_HEIGHT = 8.0 - 2 * MARGIN

# Units of a layer drawn in full; larger layers show the first three, an ellipsis and the last.
MAX_SHOWN = 6


def precision_for(trace):
    """Decimals shown for the trace's numbers: the article's 8 while every layer has at most three units (three
    columns fit), 4 for wider layers."""
    return 8 if max(trace.sizes()[1:]) <= 3 else 4
