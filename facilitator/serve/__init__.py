"""Phone voting over the venue's own network (Qt-free).

``vote.PhoneVote`` holds the kiosk's rules for one open vote, ``server.PhoneServer``
serves it with the standard library from a background thread, ``page`` is the one
phone page, and ``addresses`` finds the laptop's LAN addresses without Qt (the
console uses QNetworkInterface instead). ``facilitator serve`` and Voting → Phones
use the same pieces.
"""
