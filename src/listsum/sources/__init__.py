"""Sources: raw mail in.

``reader.read_inputs`` is the entry point: it recognises each input (mbox
and mboxrd, gzip by magic, Maildir, public-inbox epochs and v2 inboxes,
stdin), parses headers into Messages (mail/message.py), reports what could
not be read as Problems and caches header records (``parsecache``).
``mbox``, ``gzstream``, ``maildir`` and ``public_inbox`` only find bytes;
``lore``, ``sync`` and ``store`` fetch and keep mail from servers.
"""
