"""soudan subcommands, one module a group."""
