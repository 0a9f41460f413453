// Placeholder for the compare library code.
