"""The pass: read issues, decide what each needs (pure), apply it, advance the cursor.

`runner` drives the three commands (incremental pass, sweep, single recompute); `decide` and
`notices` are pure; `apply` and `deliver` are the only places that act on the outside world.
"""
