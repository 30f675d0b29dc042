"""Real-time collaboration: playgrounds of files edited at once by several people.

`operation` is the OT algebra (pure), `document` a text that takes operations without copying
itself, `store` the durable log (SQLite), `room` one file's history and participants,
`playgrounds` the files and rooms of each playground, `access` the owner token and
invitations, `handlers` the `playground/*` methods over the language server's connection.
"""
