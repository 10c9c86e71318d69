"""Dependency facts of a project, read without the network: its manifests and lockfiles
(`manifests`, `lockfiles`), the imports of its Python code (`imports`) and which distributions
provide them (`distributions`). The dependencies step turns these facts into findings."""
