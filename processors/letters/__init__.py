"""Letters to representatives (issue 13): who they are (a Popolo import) and who represents a postcode."""
