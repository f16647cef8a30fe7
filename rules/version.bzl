"""The version of rules_chronon (tools/release.sh names the archive after it; MODULE.bazel repeats it)."""

RULES_CHRONON_VERSION = "0.1.0"
