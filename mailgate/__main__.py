"""`python -m mailgate` is the `mailgate` command."""
from mailgate.cli import main

main()
