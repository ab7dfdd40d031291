"""Writing a file whole or not at all: a temporary file beside it, renamed into place when complete."""
import os
import tempfile

from mlp_core.config import ConfigError


def write_atomically(path, write, binary=False):
    """Call write(f) on a temporary file next to `path`, then rename it to `path`; on any failure nothing is
    left behind. Missing folders on the way are created. An OSError becomes a one-line ConfigError."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(directory, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb" if binary else "w", dir=directory, delete=False, suffix=".tmp") as f:
            try:
                write(f)
            except BaseException:
                f.close()
                os.unlink(f.name)
                raise
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(f.name, 0o666 & ~mask)  # as open() would have made it, not the temporary file's 0600
        os.replace(f.name, path)
    except OSError as e:
        raise ConfigError(f"{path}: cannot write ({e.strerror})")
