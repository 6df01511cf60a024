#ifndef COLDTRACE_BUILD_INFO_H
#define COLDTRACE_BUILD_INFO_H

/// The commit a binary was built from, baked in at build time: deploy/install.sh sets COLDTRACE_BUILD_COMMIT in the
/// environment of `swift build` and Package.swift defines it for this target only (so a new commit recompiles one C
/// file and relinks). "unknown" in a build that did not set it.
const char *coldtrace_build_commit(void);

#endif
