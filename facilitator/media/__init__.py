"""Video: a Player facade over python-vlc, with a QtMultimedia fallback and a null backend.

Import ``facilitator.media.player`` (Qt) or ``facilitator.media.detect`` explicitly;
this package itself imports nothing so ``facilitator check`` stays light.
"""
