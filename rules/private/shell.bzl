"""Quoting for the shell launchers that the executable rules write."""

def shell_quote(s):
    """`s` as one word of a POSIX shell command line, never expanded: single quotes, each `'` written `'\\''`.

    Args:
      s: any string.

    Returns:
      The quoted word.
    """
    return "'" + s.replace("'", "'\\''") + "'"
