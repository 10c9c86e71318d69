"""Reading a project's tests in several languages: what they are, what they check, what they reach.

- `python_tests`, `js_tests`, `go_tests`: the tests of one file and whether each one checks
  anything, following calls into helpers (same file, test-support modules, base classes, same Go
  package). A verdict is three-valued: True (checks), False (provably checks nothing) and None
  (a call could not be resolved: not judged).
- `reach`: which source modules and definitions the tests reach, from a coverage report when
  there is one, else through the project's own import and call graph.

Python is parsed with `ast`; JavaScript, TypeScript and Go with tree-sitter (`treesitter`).
"""
