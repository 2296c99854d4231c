"""mailgate: the SMTP/LMTP gateway, the route table and its tokens, settings, the service runner and the CLI."""
