"""How a project runs its tests: the commands its CI, package.json, Makefile, justfile and
Taskfile declare (`declared`, read with `commands`), the reports its runners write (`reports`),
and why a run could not vouch for the tests (`environment`)."""
