"""``python -m doctor`` runs the command line."""

from doctor.cli import main

if __name__ == "__main__":
    main()
