"""REFI-QDA exchange (.qdpx projects, .qdc codebooks) with NVivo, ATLAS.ti, MAXQDA, QualCoder,
Taguette and f4: `safe` opens untrusted archives and XML, `read` parses what real tools write,
`to_project` turns it into a qualcode project, `export` writes files every tool accepts."""
