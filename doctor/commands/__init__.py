"""One module per subcommand; ``doctor.cli.COMMANDS`` lists them."""
