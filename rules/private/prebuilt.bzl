"""Where bzlmod's `chronon` extension fetches the prebuilt tools from (rules/extensions.bzl).

Empty in a checkout of the repository; tools/release.sh writes this file into the release archive with the URL and
sha256 of `chronon_tools-<version>-linux_x86_64.tar.gz`, which it publishes next to the rules archive.
"""

PREBUILT_TOOLS = {}
