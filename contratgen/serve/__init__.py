"""The warm mode: ``contratgen serve`` keeps LibreOffice workers alive between commands.

protocol.py (the framing, its limits, the peer check), place.py (where the socket is, and
the checks on its folder), server.py (the server: a warm Converter behind a Unix socket),
client.py (``RemoteConverter`` and ``converter_for_cli``, what the commands call).
"""
