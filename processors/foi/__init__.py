"""FOI requests: making them, the authority's responses, the citizen's follow-ups, reminders."""
