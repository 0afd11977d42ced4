"""PyInstaller runtime hook: point python-vlc at the libvlc and plugins inside the bundle.

Runs before the app's code in every process of the bundle (the app and its probe
children). When the bundle carries VLC (``vlc/plugins`` beside the libraries), libvlc
is preloaded from the bundle and ``PYTHON_VLC_LIB_PATH`` / ``VLC_PLUGIN_PATH`` name
it, so a VLC installed on the laptop (of another version, or none) plays no part.
``FACILITATOR_BUNDLED_VLC`` tells the app that VLC came with it; without it a frozen
app uses Qt's player (media/detect.py). A value set before start wins.
"""

import contextlib
import ctypes
import glob
import os
import sys


def _bundled_vlc() -> None:
    base = getattr(sys, "_MEIPASS", os.path.dirname(sys.executable))
    vlc_dir = os.path.join(base, "vlc")
    plugins = os.path.join(vlc_dir, "plugins")
    if not os.path.isdir(plugins):
        return
    if sys.platform == "win32":
        lib, core = (os.path.join(vlc_dir, "libvlc.dll"), os.path.join(vlc_dir, "libvlccore.dll"))
        os.add_dll_directory(vlc_dir)
    elif sys.platform == "darwin":
        lib, core = (os.path.join(vlc_dir, "lib", "libvlc.dylib"),
                     os.path.join(vlc_dir, "lib", "libvlccore.dylib"))
    else:
        libs = sorted(glob.glob(os.path.join(base, "libvlc.so.*")))
        cores = sorted(glob.glob(os.path.join(base, "libvlccore.so.*")))
        if not libs or not cores:
            return
        lib, core = libs[0], cores[0]
    if not (os.path.isfile(lib) and os.path.isfile(core)):
        return
    os.environ.setdefault("PYTHON_VLC_LIB_PATH", lib)
    os.environ.setdefault("PYTHON_VLC_MODULE_PATH", vlc_dir)
    os.environ.setdefault("VLC_PLUGIN_PATH", plugins)
    os.environ.setdefault("FACILITATOR_BUNDLED_VLC", vlc_dir)
    # libvlc needs libvlccore already loaded under its own name; when that fails, the
    # app's probe says what is wrong, in words.
    with contextlib.suppress(OSError):
        ctypes.CDLL(core, mode=getattr(ctypes, "RTLD_GLOBAL", 0))


_bundled_vlc()
