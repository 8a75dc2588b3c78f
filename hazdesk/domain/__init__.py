"""Pure domain rules: GB 18218 grading, USCC, finding lifecycle, key supervision, checklists."""
