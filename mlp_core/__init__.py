"""The exact numbers of backpropagation for a tiny MLP, under the names of 'One LEGO at a time'.

compute_trace(Config()) reproduces the article's worked iteration; see README.md for the trace's JSON format.
"""
from mlp_core.config import Config, ConfigError
from mlp_core.trace import Step, Trace, compute_trace

__all__ = ["Config", "ConfigError", "Step", "Trace", "compute_trace"]
