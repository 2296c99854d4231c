"""The GB postcode lookup files (README.md here: origin, licence, format); read by store/uk_postcodes.py."""
