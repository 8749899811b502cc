"""`python -m scrisk ARGS`: runs the bundled scrisk binary with ARGS."""

import os
import subprocess
import sys

from scrisk import find_scrisk_bin


def main() -> int:
    exe = find_scrisk_bin()
    if sys.platform == "win32":
        return subprocess.run([exe, *sys.argv[1:]]).returncode
    os.execv(exe, [exe, *sys.argv[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
